using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Fleet.ServiceDefaults.Postgres;

/// <summary>
/// Databases kept from before EF Core migrations (the development data under <c>.fleet/</c>) were made by
/// Fleet's former SQL runner, whose ledger is <c>public.schema_migrations</c>. They already hold the schema
/// that each service's initial EF Core migration creates, so that migration is recorded as applied instead
/// of run (it would fail on the existing tables).
/// </summary>
internal static class RetiredSqlRunnerAdoption
{
    public static async Task AdoptAsync(DbContext db, NpgsqlConnection connection, ILogger logger, CancellationToken cancellationToken)
    {
        await using (var ledger = new NpgsqlCommand("SELECT to_regclass('public.schema_migrations') IS NOT NULL", connection))
        {
            if (await ledger.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return;
            }
        }

        if ((await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Any()
            || db.Database.GetMigrations().FirstOrDefault() is not { } initial)
        {
            return;
        }

        var history = db.GetService<IHistoryRepository>();
        // EF's own scripts, with the migration id quoted by its SQL generator.
        var script = history.GetCreateIfNotExistsScript() + history.GetInsertScript(new HistoryRow(initial, ProductInfo.GetVersion()));
        await db.Database.ExecuteSqlRawAsync(script, cancellationToken);
        logger.LogInformation("Recorded {Migration} as applied: the SQL migrations runner had created this schema", initial);
    }
}
