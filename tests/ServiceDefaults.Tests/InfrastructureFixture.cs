using Fleet.Testing;
using Npgsql;

namespace Fleet.ServiceDefaultsTests;

/// <summary>
/// Real PostgreSQL, RabbitMQ and Redis, started through the AppHost's testing entry point in a
/// throw-away folder on free ports, and stopped when the tests are done.
/// </summary>
public sealed class InfrastructureFixture : IAsyncLifetime
{
    private TestServers? _servers;

    /// <summary>The server's owner, connected to the maintenance database: tests create their own databases.</summary>
    public string PostgresConnectionString { get; private set; } = "";

    public string RabbitMqConnectionString { get; private set; } = "";

    public string RedisConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _servers = await TestServers.StartAsync();
        PostgresConnectionString = new NpgsqlConnectionStringBuilder(await _servers.ConnectionStringAsync("postgres")) { Database = "postgres" }.ConnectionString;
        RabbitMqConnectionString = await _servers.ConnectionStringAsync("rabbitmq");
        RedisConnectionString = await _servers.ConnectionStringAsync("redis");
    }

    public async Task DisposeAsync()
    {
        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
    }
}
