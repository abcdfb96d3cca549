using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.SchedulerService.Catalogue;
using Fleet.SchedulerService.Jobs;
using Fleet.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fleet.SchedulerServiceTests.Support;

/// <summary>
/// Real PostgreSQL, Redis and RabbitMQ (the AppHost's local servers), a stand-in AuthService, and SchedulerService on a
/// TestServer (the factory is keyed on CatalogueStore: AppHost also has a Program), its migrations applied. Its one job,
/// <see cref="GatedJob.Name"/>, runs yearly and does what the test's <see cref="Gate"/> lets it.
/// </summary>
public sealed class SchedulerFixture : IAsyncLifetime
{
    private TestServers? _servers;
    private string _redis = "";

    public FakeAuthServer Auth { get; private set; } = null!;

    public SigningKey Key { get; private set; } = null!;

    public GatedJob Gate { get; } = new();

    public string RabbitMQ { get; private set; } = "";

    public WebApplicationFactory<CatalogueStore> Factory { get; private set; } = null!;

    public string EventsDb { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _servers = await TestServers.StartAsync(redis: true, databases: "eventsdb");
        EventsDb = await _servers.ConnectionStringAsync("eventsdb");
        Auth = await FakeAuthServer.StartAsync();
        Key = Auth.NewKey();
        RabbitMQ = await _servers.ConnectionStringAsync("rabbitmq");
        _redis = await _servers.ConnectionStringAsync("redis");
        Factory = CreateFactory(GatedJob.Name, "0 0 1 1 *", Gate);
        _ = Factory.Server; // start now: migrations
        await Gate.Finished(0).WaitAsync(TimeSpan.FromSeconds(30)); // its first start catches up the occurrence it never ran
    }

    /// <summary>
    /// SchedulerService with one job, <paramref name="jobName"/> on <paramref name="cron"/>, doing <paramref name="job"/>'s
    /// work (or, without one, the work its <paramref name="settings"/> configure).
    /// </summary>
    public WebApplicationFactory<CatalogueStore> CreateFactory(string jobName, string cron, IScheduledJob? job, string timeout = "00:01:00",
        params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<CatalogueStore>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            web.UseSetting("ConnectionStrings:eventsdb", EventsDb);
            web.UseSetting("ConnectionStrings:rabbitmq", RabbitMQ);
            web.UseSetting("ConnectionStrings:redis", _redis);
            web.UseSetting("Auth:Issuer", FakeAuthServer.Issuer);
            web.UseSetting("Auth:AuthServiceUrl", Auth.Url);
            web.UseSetting($"Scheduler:Jobs:{jobName}:Cron", cron);
            web.UseSetting($"Scheduler:Jobs:{jobName}:Timeout", timeout);
            // The provider-events job runs only where a test runs it.
            web.UseSetting("Scheduler:Jobs:provider-events:Enabled", "false");
            web.UseSetting("Scheduler:Jobs:audit-retention:Enabled", "false"); // no AuditService here
            web.UseSetting("Scheduler:Jobs:files-rescan:Enabled", "false");     // nor FileService
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
            if (job is not null)
            {
                web.ConfigureTestServices(services => services.AddKeyedSingleton(jobName, job));
            }
            web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        });

    /// <summary>A client calling with <paramref name="scope"/>.</summary>
    public HttpClient Client(string scope, WebApplicationFactory<CatalogueStore>? factory = null)
    {
        var client = (factory ?? Factory).CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key.CreateToken(scope, "fleet-cli"));
        return client;
    }

    /// <summary>A client without a token: search is public.</summary>
    public HttpClient Client() => Factory.CreateClient();

    public T Service<T>() where T : notnull => (T)Factory.Services.GetService(typeof(T))!;

    public Task<T?> ScalarAsync<T>(string sql, params object[] parameters) => Sql.ScalarAsync<T>(EventsDb, sql, parameters);

    /// <summary>Runs a statement against eventsdb behind the service's back.</summary>
    public Task ExecuteAsync(string sql, params object[] parameters) => ScalarAsync<object>(sql, parameters);

    /// <summary>The run <paramref name="runId"/> of <paramref name="job"/> once it has ended (or as it is after 10 s).</summary>
    public async Task<JsonElement> FinishedRunAsync(HttpClient client, Guid runId, string job = GatedJob.Name)
    {
        for (var attempt = 0; ; attempt++)
        {
            var runs = await client.GetFromJsonAsync<JsonElement>($"/jobs/{job}/runs");
            var run = runs.EnumerateArray().Single(r => r.GetProperty("id").GetGuid() == runId);
            if (run.GetProperty("outcome").GetString() != "running" || attempt == 100)
            {
                return run;
            }
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Auth.DisposeAsync();
        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SchedulerCollection : ICollectionFixture<SchedulerFixture>
{
    public const string Name = "scheduler";
}
