using Npgsql;

namespace Fleet.AuditService.Data;

/// <summary>
/// Keeps <c>audit.events</c>' daily partitions made a week ahead: pg_partman's maintenance at start and every hour
/// (it takes its own advisory lock, so replicas do not collide).
/// </summary>
public sealed class PartitionMaintenance(NpgsqlDataSource dataSource, ILogger<PartitionMaintenance> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT partman.run_maintenance('audit.events', p_jobmon := false)");
                await command.ExecuteNonQueryAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(exception, "Partition maintenance failed; trying again in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
