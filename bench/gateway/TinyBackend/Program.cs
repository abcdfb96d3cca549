// The smallest useful service: what Kestrel alone costs, to compare the gateway against.
// /auth/ping is the same answer behind the gateway's anonymous route; /search answers the bytes of Body:File, if given
// (bench/search: a search answer as Kestrel alone would send it).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();

var app = builder.Build();
app.MapGet("/rides/ping", () => "pong");
app.MapGet("/auth/ping", () => "pong");
if (builder.Configuration["Body:File"] is { } file)
{
    var body = File.ReadAllBytes(file);
    app.MapGet("/search", () => Results.Bytes(body, "application/json"));
}
app.Run();
