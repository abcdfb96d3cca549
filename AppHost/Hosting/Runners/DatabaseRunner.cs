using Npgsql;

namespace Fleet.AppHost.Hosting.Runners;

/// <summary>Creates a service's database on its server the first time, then checks it can be reached.</summary>
internal sealed class DatabaseRunner(PostgresDatabaseResource database, RunContext context) : ResourceRunner(database, context)
{
    public override string? Endpoint => database.DatabaseName;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (database.ExistingConnectionString is not null)
        {
            return;
        }
        var admin = new NpgsqlConnectionStringBuilder(database.Server.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
        {
            Parameters = { new() { Value = database.DatabaseName } },
        };
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            // The name was checked to be [a-z0-9_] when the model was built, so quoting it is enough.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.DatabaseName}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            Log.Write($"created database {database.DatabaseName}");
        }
    }

    public override async Task<HealthCheck> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Timeout = 3, Pooling = false };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            return HealthCheck.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheck.Unhealthy(ex.Message);
        }
    }
}
