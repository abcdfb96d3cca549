using Fleet.AppHost.Hosting;
using Fleet.AppHost.Hosting.Testing;
using Npgsql;

namespace Fleet.ServiceDefaultsTests;

/// <summary>
/// Real PostgreSQL, RabbitMQ and Redis, started through the AppHost's testing entry point in a
/// throw-away folder on free ports, and stopped when the tests are done.
/// </summary>
public sealed class InfrastructureFixture : IAsyncLifetime
{
    private DistributedApplication? _app;

    /// <summary>The server's owner, connected to the maintenance database: tests create their own databases.</summary>
    public string PostgresConnectionString { get; private set; } = "";

    public string RabbitMqConnectionString { get; private set; } = "";

    public string RedisConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddPostgres("postgres");
        builder.AddRabbitMQ("rabbitmq");
        builder.AddRedis("redis");
        _app = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await _app.StartAsync(timeout.Token);

        PostgresConnectionString = new NpgsqlConnectionStringBuilder(_app.GetConnectionString("postgres")) { Database = "postgres" }.ConnectionString;
        RabbitMqConnectionString = _app.GetConnectionString("rabbitmq");
        RedisConnectionString = _app.GetConnectionString("redis");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
