namespace Fleet.ProviderStandIn;

/// <summary>
/// The provider's feed at <c>GET /events.xml</c>: each request gets the next step of <see cref="ProviderScript"/>,
/// with an ETag, and a 304 when the caller already has that document.
/// </summary>
public static class ProviderStandInApp
{
    public static WebApplication Create(string[] args, ProviderScript? script = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Services.AddSingleton(script ?? ProviderScript.Default(builder.Configuration.GetValue("Provider:Stall", TimeSpan.FromSeconds(10))));
        var app = builder.Build();
        app.MapGet("/events.xml", (HttpContext context, ProviderScript steps) => steps.Next().AnswerAsync(context));
        app.MapGet("/", () => "Provider stand-in: GET /events.xml answers the next step of its script.");
        return app;
    }
}
