using System.Net.Http.Headers;
using Fleet.IngestService.Rides.Intake;
using Fleet.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Fleet.IngestServiceTests.Support;

/// <summary>
/// Real PostgreSQL and RabbitMQ (the AppHost's local servers), a stand-in AuthService that signs tokens, and IngestService
/// on a TestServer (the factory is keyed on IntakeOptions: AppHost also has a Program), its consumer storing what it queues. Retry delays are short so that a failing message is given up on
/// within a test.
/// </summary>
public sealed class IngestFixture : IAsyncLifetime
{
    private TestServers? _servers;

    public FakeAuthServer Auth { get; private set; } = null!;

    public SigningKey Key { get; private set; } = null!;

    public WebApplicationFactory<IntakeOptions> Factory { get; private set; } = null!;

    public string RidesDb { get; private set; } = "";

    public string RabbitMQ { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _servers = await TestServers.StartAsync(redis: false, databases: "ridesdb");
        RidesDb = await _servers.ConnectionStringAsync("ridesdb");
        RabbitMQ = await _servers.ConnectionStringAsync("rabbitmq");
        Auth = await FakeAuthServer.StartAsync();
        Key = Auth.NewKey();
        Factory = CreateFactory();
        _ = Factory.Server; // start now: migrations, queues, consumer
    }

    /// <summary>IngestService with these settings over the fixture's (e.g. a broker that is not there).</summary>
    public WebApplicationFactory<IntakeOptions> CreateFactory(params (string Key, string Value)[] overrides) =>
        new WebApplicationFactory<IntakeOptions>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            var settings = new Dictionary<string, string>
            {
                ["ConnectionStrings:ridesdb"] = RidesDb,
                ["ConnectionStrings:rabbitmq"] = RabbitMQ,
                ["Auth:Issuer"] = FakeAuthServer.Issuer,
                ["Auth:AuthServiceUrl"] = Auth.Url,
                ["Rides:Storage:RetryDelays:0"] = "00:00:00.100",
                ["Rides:Storage:RetryDelays:1"] = "00:00:00.200",
                ["Rides:Storage:RetryDelays:2"] = "00:00:00.300",
            };
            foreach (var (key, value) in overrides)
            {
                settings[key] = value;
            }
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
            web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        });

    /// <summary>A client of IngestService calling as <paramref name="clientId"/> with <paramref name="scope"/>.</summary>
    public HttpClient Client(string clientId = "xrides", string scope = "rides:write rides:read", WebApplicationFactory<IntakeOptions>? factory = null)
    {
        // No redirects: the client would buffer every request body to be able to send it again.
        var client = (factory ?? Factory).CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key.CreateToken(scope, clientId));
        return client;
    }

    public async Task<long> ScalarAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(RidesDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync());
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
public sealed class IngestCollection : ICollectionFixture<IngestFixture>
{
    public const string Name = "ingest";
}
