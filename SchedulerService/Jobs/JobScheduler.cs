using Cronos;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Fleet.SchedulerService.Jobs;

/// <summary>
/// Starts each enabled job at its cron occurrences (every replica does; <see cref="JobRunner"/> lets one run each).
/// At start, a job whose latest occurrence has no run (everything was down, or it never ran) runs once for it.
/// </summary>
public sealed class JobScheduler(IOptions<SchedulerOptions> options, JobRunner runner, NpgsqlDataSource dataSource,
    TimeProvider time, ILogger<JobScheduler> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(options.Value.Jobs
        .Where(job => job.Value.Enabled)
        .Select(job => CatchUpThenScheduleAsync(new Scheduled(job.Key, job.Value, JobSchedule.Parse(job.Value.Cron)), stoppingToken)));

    private async Task CatchUpThenScheduleAsync(Scheduled job, CancellationToken stoppingToken)
    {
        try
        {
            var now = time.GetUtcNow();
            if (JobSchedule.Latest(job.Cron, now) is { } latest && !await HasRunAsync(job.Name, latest, stoppingToken))
            {
                await RunAsync(job, JobTrigger.CatchUp, latest, stoppingToken);
            }
            for (var next = job.Cron.GetNextOccurrence(time.GetUtcNow().UtcDateTime); next is { } due;
                 next = job.Cron.GetNextOccurrence(time.GetUtcNow().UtcDateTime))
            {
                var wait = new DateTimeOffset(due, TimeSpan.Zero) - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stoppingToken);
                }
                await RunAsync(job, JobTrigger.Schedule, new DateTimeOffset(due, TimeSpan.Zero), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs, and whatever goes wrong with the run's bookkeeping (the database away), the schedule goes on.</summary>
    private async Task RunAsync(Scheduled job, string trigger, DateTimeOffset occurrence, CancellationToken stoppingToken)
    {
        try
        {
            await runner.RunAsync(job.Name, job.Options, trigger, occurrence, stoppingToken);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError(exception, "Job {Job} could not be run for {Occurrence}", job.Name, occurrence);
        }
    }

    private async Task<bool> HasRunAsync(string job, DateTimeOffset occurrence, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM scheduler.job_runs WHERE job = $1 AND (scheduled_for >= $2 OR started_at >= $2))");
        command.Parameters.Add(new NpgsqlParameter { Value = job });
        command.Parameters.Add(new NpgsqlParameter { Value = occurrence });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private sealed record Scheduled(string Name, JobOptions Options, CronExpression Cron);
}
