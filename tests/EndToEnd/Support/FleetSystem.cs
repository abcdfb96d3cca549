using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Fleet.AppHost;
using Fleet.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.EndToEnd.Support;

/// <summary>
/// The whole system as <c>dotnet run --project AppHost</c> starts it, through Aspire.Hosting.Testing: in a throw-away
/// data folder, on free ports, with the Aspire dashboard on.
/// </summary>
public sealed class FleetSystem : IAsyncLifetime
{
    private readonly TestDataDirectory _data = new();

    public DistributedApplication App { get; private set; } = null!;

    public HttpClient Gateway { get; private set; } = null!;

    public Uri GatewayUrl { get; private set; } = null!;

    /// <summary>The Aspire dashboard, in unsecured local mode: no login, and its telemetry API open.</summary>
    public Uri DashboardUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        string[] args =
        [
            "--DataDirectory", _data.Path,
            "--GatewayPort", LoopbackPort.Unused().ToString(),
            "--ASPNETCORE_URLS", $"http://localhost:{LoopbackPort.Unused()}",
            "--ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", $"http://localhost:{LoopbackPort.Unused()}",
            "--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", $"http://localhost:{LoopbackPort.Unused()}",
            "--ASPIRE_ALLOW_UNSECURED_TRANSPORT", "true",
            "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS", "true",
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync(typeof(FleetServiceExtensions), args,
            (options, _) => options.DisableDashboard = false);
        App = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await App.StartAsync(timeout.Token);
        await WaitUntilEveryServiceIsHealthyAsync(timeout.Token);
        GatewayUrl = App.GetEndpoint("gateway", "http");
        await App.ResourceNotifications.WaitForResourceAsync("aspire-dashboard", KnownResourceStates.Running, timeout.Token);
        // The testing host moves the dashboard to a port of its own choosing.
        DashboardUrl = App.GetEndpoint("aspire-dashboard", "http");
        Gateway = new HttpClient { BaseAddress = GatewayUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task WaitUntilEveryServiceIsHealthyAsync(CancellationToken cancellationToken)
    {
        foreach (var service in Services)
        {
            var healthy = App.ResourceNotifications.WaitForResourceHealthyAsync(service.Name, cancellationToken);
            if (await Task.WhenAny(healthy, Task.Delay(Timeout.Infinite, cancellationToken)) != healthy)
            {
                throw new TimeoutException($"{service.Name} did not become healthy:{Environment.NewLine}{AppState.Describe(App)}");
            }
        }
    }

    public IEnumerable<ProjectResource> Services => App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>();

    /// <summary>The service process (not its launcher) of <paramref name="resource"/>, e.g. <c>ingest-1</c>, running <paramref name="assembly"/>.</summary>
    public int ServiceProcessOf(string resource, string assembly)
    {
        var wrapper = ProcessTree.PidOf(App, resource) ?? throw new InvalidOperationException($"{resource} reports no process id");
        return ProcessTree.DescendantsOf(wrapper).Single(pid => ProcessTree.Describe(pid).Contains(assembly));
    }

    /// <summary>A generated development secret (client secrets, the admin password), as the AppHost gave it to AuthService.</summary>
    public async Task<string> SecretAsync(string name) =>
        await App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>().Single(p => p.Name == name)
            .GetValueAsync(CancellationToken.None) ?? throw new InvalidOperationException($"{name} has no value");

    /// <summary>A client_credentials token for a seeded machine client (its secret named <c>{clientId}-client-secret</c>), through the gateway.</summary>
    public async Task<string> ClientTokenAsync(string clientId, string scope) =>
        await TokenAsync(clientId, await SecretAsync($"{clientId}-client-secret"), [new("grant_type", "client_credentials"), new("scope", scope)]);

    /// <summary>The seeded admin (roles user and admin) through the fleet-cli client's password grant, holding <paramref name="scope"/>.</summary>
    public async Task<string> AdminTokenAsync(string scope) =>
        await TokenAsync("fleet-cli", await SecretAsync("fleet-cli-client-secret"),
        [
            new("grant_type", "password"),
            new("username", "admin"),
            new("password", await SecretAsync("admin-password")),
            new("scope", scope),
        ]);

    /// <summary>A token through the gateway, waiting out its rate limit if the tests hit it.</summary>
    private async Task<string> TokenAsync(string clientId, string secret, KeyValuePair<string, string>[] form)
    {
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}"));
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/connect/token") { Content = new FormUrlEncodedContent(form) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
            using var response = await Gateway.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            // Rate limited, or AuthService not back yet after a test restarted a server: what any client does, wait.
            if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway && attempt < 30)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                continue;
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{clientId} got no token ({(int)response.StatusCode}): {body}");
            }
            return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
        }
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
        _data.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class FleetCollection : ICollectionFixture<FleetSystem>
{
    public const string Name = "fleet";
}

/// <summary>A system of its own, for tests that kill and restart its servers: the others should not meet the aftermath.</summary>
[CollectionDefinition(Name)]
public sealed class DisruptedFleetCollection : ICollectionFixture<FleetSystem>
{
    public const string Name = "fleet, disrupted";
}
