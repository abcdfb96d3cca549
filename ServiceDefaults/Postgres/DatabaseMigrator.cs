using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Fleet.ServiceDefaults.Postgres;

/// <summary>
/// Applies a DbContext's pending EF Core migrations while holding a PostgreSQL advisory lock, so that
/// replicas starting together migrate one after the other: the first applies them, the others find
/// nothing left to do.
/// </summary>
public static class DatabaseMigrator
{
    public static async Task MigrateAsync(DbContext db, ILogger logger, CancellationToken cancellationToken = default)
    {
        // One lock per database and context: the key is derived from the context's name.
        var lockName = $"fleet.migrations:{db.GetType().FullName}";

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await ExecuteAsync(connection, "SELECT pg_advisory_lock(hashtext($1))", lockName, cancellationToken);
            try
            {
                var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
                if (pending.Count > 0)
                {
                    logger.LogInformation("Applying migrations {Migrations}", pending);
                    await db.Database.MigrateAsync(cancellationToken);
                }
            }
            finally
            {
                // Closing the connection would release it too, but the pool keeps connections open.
                await ExecuteAsync(connection, "SELECT pg_advisory_unlock(hashtext($1))", lockName, CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, string lockName, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = lockName } } };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
