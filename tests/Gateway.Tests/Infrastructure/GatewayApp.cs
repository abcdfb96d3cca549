using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fleet.Gateway.Tests.Infrastructure;

/// <summary>
/// The real gateway (its Program, appsettings.json route table and all) on Kestrel on a free loopback
/// port, so streaming goes over real sockets. Services are given as the AppHost gives them:
/// <c>services:&lt;name&gt;:http:&lt;i&gt;</c>.
/// </summary>
public sealed class GatewayApp : IAsyncDisposable
{
    private static readonly string[] AllServices = ["auth", "ingest", "files", "audit", "scheduler"];
    private static readonly string[] Routes = ["auth", "rides", "files", "audit", "search", "events-search", "jobs"];

    private readonly WebApplicationFactory<Program> _factory;

    private GatewayApp(WebApplicationFactory<Program> factory, CapturedLogs logs, CompletedRequests completed)
    {
        _factory = factory;
        Logs = logs;
        Completed = completed;
        using (var factoryClient = factory.CreateClient())
        {
            Address = factoryClient.BaseAddress!;
        }

        // A plain client: the factory's adds a redirect handler that buffers request bodies.
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = Address,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public HttpClient Client { get; }

    public Uri Address { get; }

    public CapturedLogs Logs { get; }

    /// <summary>Requests the gateway has finished handling.</summary>
    public CompletedRequests Completed { get; }

    /// <param name="services">Replica addresses per service; services not given point at a closed port.</param>
    /// <param name="settings">Further configuration, e.g. <c>ReverseProxy:Routes:rides:Timeout</c>.</param>
    /// <param name="checkTokens">
    /// False (forwarding tests): every route is anonymous and rate limits are off. True: the route table's own
    /// authorization policies and rate limits, as in production.
    /// </param>
    public static GatewayApp Start(IDictionary<string, string[]> services, IDictionary<string, string?>? settings = null, bool checkTokens = false)
    {
        var logs = new CapturedLogs();
        var completed = new CompletedRequests();
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            // The way the AppHost sets the address (ASPNETCORE_URLS); port 0 picks a free one.
            builder.UseSetting("urls", "http://127.0.0.1:0");
            foreach (var service in AllServices)
            {
                var replicas = services.TryGetValue(service, out var given) ? given : [ClosedPort.Url()];
                for (var i = 0; i < replicas.Length; i++)
                {
                    builder.UseSetting($"services:{service}:http:{i}", replicas[i]);
                }
            }

            if (!checkTokens)
            {
                foreach (var route in Routes)
                {
                    builder.UseSetting($"ReverseProxy:Routes:{route}:AuthorizationPolicy", "Anonymous");
                }

                builder.UseSetting("Gateway:RateLimits:Enabled", "false");
            }

            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(completed));
        });
        factory.UseKestrel();
        factory.StartServer();
        return new GatewayApp(factory, logs, completed);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }
}
