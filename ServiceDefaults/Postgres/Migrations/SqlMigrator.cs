using Microsoft.Extensions.Logging;
using Npgsql;

namespace Fleet.ServiceDefaults.Postgres.Migrations;

/// <summary>
/// Applies numbered SQL migrations to a database, each file in its own transaction, and records
/// them in <c>public.schema_migrations</c> (version, name, checksum, applied_at).
/// A session-level advisory lock serialises migrators, so replicas starting together apply each
/// file exactly once: the first applies, the others wait and then find nothing left to do.
/// An applied file whose checksum has changed stops the run before anything is applied.
/// </summary>
public sealed class SqlMigrator(NpgsqlDataSource dataSource, ILogger<SqlMigrator> logger)
{
    /// <summary>The advisory lock key: "fleetmig" in ASCII. Advisory locks are per database.</summary>
    public const long AdvisoryLockKey = 0x666C_6565_746D_6967;

    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS public.schema_migrations (
            version    bigint      PRIMARY KEY,
            name       text        NOT NULL,
            checksum   text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    /// <summary>Applies the migrations not yet recorded, in version order; returns those it applied.</summary>
    public async Task<IReadOnlyList<SqlMigration>> MigrateAsync(IEnumerable<SqlMigration> migrations, CancellationToken cancellationToken = default)
    {
        var ordered = SqlMigration.Ordered(migrations);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var database = connection.Database;

        // Waits as long as another replica is migrating (no command timeout); host shutdown cancels.
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
        try
        {
            await ExecuteAsync(connection, CreateHistoryTable, cancellationToken);
            var applied = await ReadAppliedAsync(connection, cancellationToken);

            Verify(ordered, applied, database);

            var pending = ordered.Where(migration => !applied.ContainsKey(migration.Version)).ToList();
            foreach (var migration in pending)
            {
                await ApplyAsync(connection, migration, database, cancellationToken);
            }

            if (pending.Count == 0)
            {
                logger.LogInformation("Database {Database} is up to date ({Count} migrations applied)", database, applied.Count);
            }
            return pending;
        }
        finally
        {
            await UnlockAsync(connection);
        }
    }

    private void Verify(IReadOnlyList<SqlMigration> migrations, Dictionary<long, AppliedMigration> applied, string database)
    {
        var known = migrations.ToDictionary(migration => migration.Version);
        foreach (var (version, record) in applied)
        {
            if (!known.TryGetValue(version, out var migration))
            {
                logger.LogWarning(
                    "Database {Database} has migration {Name} applied, which this build does not contain (was it applied by a newer version?)",
                    database, record.Name);
                continue;
            }

            if (migration.Checksum != record.Checksum)
            {
                throw new InvalidOperationException(
                    $"Migration {migration.Name} was changed after it was applied to database '{database}' " +
                    $"(checksum when applied {record.Checksum}, now {migration.Checksum}). " +
                    "An applied migration must never be edited: restore the original file and put the change in a new migration.");
            }
        }
    }

    private async Task ApplyAsync(NpgsqlConnection connection, SqlMigration migration, string database, CancellationToken cancellationToken)
    {
        logger.LogInformation("Applying migration {Name} to database {Database}", migration.Name, database);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await using (var script = new NpgsqlCommand(migration.Sql, connection, transaction) { CommandTimeout = 0 })
            {
                await script.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = new NpgsqlCommand(
                "INSERT INTO public.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", connection, transaction))
            {
                record.Parameters.Add(new NpgsqlParameter<long> { TypedValue = migration.Version });
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Name });
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Checksum });
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException exception)
        {
            throw new InvalidOperationException(
                $"Migration {migration.Name} failed on database '{database}' and was rolled back: {exception.MessageText}", exception);
        }
    }

    private static async Task<Dictionary<long, AppliedMigration>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version, name, checksum FROM public.schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var applied = new Dictionary<long, AppliedMigration>();
        while (await reader.ReadAsync(cancellationToken))
        {
            applied.Add(reader.GetInt64(0), new AppliedMigration(reader.GetString(1), reader.GetString(2)));
        }
        return applied;
    }

    private async Task UnlockAsync(NpgsqlConnection connection)
    {
        try
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            // The session is gone (and its lock with it) or broken; closing the connection releases the lock.
            logger.LogDebug(exception, "Could not release the migration lock explicitly");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record AppliedMigration(string Name, string Checksum);
}
