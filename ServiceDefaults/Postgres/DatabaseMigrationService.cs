using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.ServiceDefaults.Postgres;

/// <summary>
/// Migrates the service's database in <see cref="IHostedLifecycleService.StartingAsync"/>, which the host runs
/// before any hosted service's <c>StartAsync</c> (the web server's included): the schema is in place before
/// the first request and before start-up work such as seeding. A failure stops start-up.
/// </summary>
internal sealed class DatabaseMigrationService<TContext>(IServiceScopeFactory scopes, ILogger<DatabaseMigrationService<TContext>> logger)
    : IHostedLifecycleService where TContext : DbContext
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await DatabaseMigrator.MigrateAsync(scope.ServiceProvider.GetRequiredService<TContext>(), logger, cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
