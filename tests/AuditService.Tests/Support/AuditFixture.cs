using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.AuditService.Events.Storage;
using Fleet.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace Fleet.AuditServiceTests.Support;

/// <summary>
/// Real PostgreSQL and RabbitMQ (the AppHost's local servers), a stand-in AuthService, and AuditService on a TestServer
/// (the factory is keyed on AuditEventWriter: AppHost also has a Program), its migrations applied.
/// </summary>
public sealed class AuditFixture : IAsyncLifetime
{
    private TestServers? _servers;

    public FakeAuthServer Auth { get; private set; } = null!;

    public SigningKey Key { get; private set; } = null!;

    public string RabbitMQ { get; private set; } = "";

    public string AuditDb { get; private set; } = "";

    public WebApplicationFactory<AuditEventWriter> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _servers = await TestServers.StartAsync(redis: false, databases: "auditdb");
        AuditDb = await _servers.ConnectionStringAsync("auditdb");
        RabbitMQ = await _servers.ConnectionStringAsync("rabbitmq");
        Auth = await FakeAuthServer.StartAsync();
        Key = Auth.NewKey();
        Factory = CreateFactory();
        _ = Factory.Server; // start now: migrations, and the consumer
    }

    public WebApplicationFactory<AuditEventWriter> CreateFactory(params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<AuditEventWriter>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            web.UseSetting("ConnectionStrings:auditdb", AuditDb);
            web.UseSetting("ConnectionStrings:rabbitmq", RabbitMQ);
            web.UseSetting("Auth:Issuer", FakeAuthServer.Issuer);
            web.UseSetting("Auth:AuthServiceUrl", Auth.Url);
            web.UseSetting("Auth:ClientId", FakeAuthServer.IntrospectingClient);
            web.UseSetting("Auth:ClientSecret", FakeAuthServer.IntrospectingSecret);
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
            web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        });

    /// <summary>A client calling as user <paramref name="subject"/> with <paramref name="scope"/>.</summary>
    public HttpClient Client(string scope, string subject, WebApplicationFactory<AuditEventWriter>? factory = null)
    {
        var client = (factory ?? Factory).CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key.CreateToken(scope, subject));
        return client;
    }

    /// <summary>The events <paramref name="client"/> finds for <paramref name="query"/>, waiting up to <paramref name="seconds"/> for at least <paramref name="expected"/>.</summary>
    public static async Task<JsonElement[]> EventsAsync(HttpClient client, string query, int expected = 1, int seconds = 15)
    {
        JsonElement[] events = [];
        for (var attempt = 0; attempt < seconds * 10; attempt++, await Task.Delay(100))
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/audit/events?{query}");
            events = [.. page.GetProperty("events").EnumerateArray()];
            if (events.Length >= expected)
            {
                break;
            }
        }
        return events;
    }

    public Task<T?> ScalarAsync<T>(string sql, params object[] parameters) => Sql.ScalarAsync<T>(AuditDb, sql, parameters);

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
public sealed class AuditCollection : ICollectionFixture<AuditFixture>
{
    public const string Name = "audit";
}
