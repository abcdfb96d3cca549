using Fleet.SchedulerService.Catalogue;
using Fleet.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Fleet.SchedulerServiceTests.Support;

/// <summary>
/// Real PostgreSQL, Redis and RabbitMQ (the AppHost's local servers), a stand-in AuthService, and SchedulerService on a
/// TestServer (the factory is keyed on CatalogueStore: AppHost also has a Program), its migrations applied.
/// </summary>
public sealed class SchedulerFixture : IAsyncLifetime
{
    private TestServers? _servers;

    public FakeAuthServer Auth { get; private set; } = null!;

    public WebApplicationFactory<CatalogueStore> Factory { get; private set; } = null!;

    public string EventsDb { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _servers = await TestServers.StartAsync(redis: true, databases: "eventsdb");
        EventsDb = await _servers.ConnectionStringAsync("eventsdb");
        Auth = await FakeAuthServer.StartAsync();
        var rabbitMQ = await _servers.ConnectionStringAsync("rabbitmq");
        var redis = await _servers.ConnectionStringAsync("redis");
        Factory = new WebApplicationFactory<CatalogueStore>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            web.UseSetting("ConnectionStrings:eventsdb", EventsDb);
            web.UseSetting("ConnectionStrings:rabbitmq", rabbitMQ);
            web.UseSetting("ConnectionStrings:redis", redis);
            web.UseSetting("Auth:Issuer", FakeAuthServer.Issuer);
            web.UseSetting("Auth:AuthServiceUrl", Auth.Url);
            web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        });
        _ = Factory.Server; // start now: migrations
    }

    /// <summary>A client without a token: search is public.</summary>
    public HttpClient Client() => Factory.CreateClient();

    public T Service<T>() where T : notnull => (T)Factory.Services.GetService(typeof(T))!;

    public async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(EventsDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        return (T?)await command.ExecuteScalarAsync();
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
