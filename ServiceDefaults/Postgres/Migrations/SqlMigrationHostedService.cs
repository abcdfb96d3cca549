using Microsoft.Extensions.Hosting;

namespace Fleet.ServiceDefaults.Postgres.Migrations;

/// <summary>
/// Migrates the database while the host starts. WebApplication starts hosted services in
/// registration order and registers the Kestrel server last, so the schema is in place before
/// the first request is served; a failure stops start-up.
/// </summary>
internal sealed class SqlMigrationHostedService(SqlMigrator migrator, IReadOnlyList<SqlMigration> migrations) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(migrations, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
