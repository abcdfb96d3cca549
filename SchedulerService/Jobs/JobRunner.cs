using System.Diagnostics;
using Npgsql;

namespace Fleet.SchedulerService.Jobs;

/// <summary>
/// Runs a job once, if no other run of it is going anywhere: a PostgreSQL advisory lock, held on a connection of its own
/// for the run (a replica that dies lets go with its connection), and for a scheduled run a row unique to its cron
/// occurrence, so that the replica that comes second does not run the same occurrence again. The run is cancelled at
/// its timeout, and its start, end, outcome, error and items are kept in <c>scheduler.job_runs</c>; a run that its
/// replica's death left marked running is marked failed by the next.
/// </summary>
public sealed class JobRunner(NpgsqlDataSource dataSource, IServiceProvider services, TimeProvider time, SchedulerMetrics metrics, ILogger<JobRunner> logger)
{
    public const string ActivitySourceName = "Fleet.SchedulerService.Jobs";
    private static readonly ActivitySource Source = new(ActivitySourceName);

    /// <summary>Runs the job to its end; the run's id, or null when it did not run (another is going, or this occurrence ran).</summary>
    public async Task<Guid?> RunAsync(string name, JobOptions options, string trigger, DateTimeOffset? scheduledFor, CancellationToken stoppingToken)
    {
        if (await StartAsync(name, options, trigger, scheduledFor, stoppingToken) is not { } run)
        {
            return null;
        }
        await run.Completion;
        return run.Id;
    }

    /// <summary>
    /// Starts a run and returns once it has begun (or null when it did not: another is going, or this occurrence ran);
    /// <see cref="StartedRun.Completion"/> ends with it.
    /// </summary>
    public async Task<StartedRun?> StartAsync(string name, JobOptions options, string trigger, DateTimeOffset? scheduledFor, CancellationToken stoppingToken)
    {
        var connection = await dataSource.OpenConnectionAsync(stoppingToken);
        try
        {
            if (!await ScalarAsync<bool>(connection, "SELECT pg_try_advisory_lock(hashtext('scheduler.job:' || $1))", stoppingToken, name))
            {
                logger.LogInformation("Job {Job} is already running; this {Trigger} run is skipped", name, trigger);
                await connection.DisposeAsync();
                return null;
            }
            // Holding the lock, no run of the job is going anywhere: one still marked running lost its replica mid-run.
            await ScalarAsync<object>(connection, """
                UPDATE scheduler.job_runs SET outcome = 'failed', ended_at = $2, error = 'its replica stopped during the run'
                WHERE job = $1 AND outcome = 'running'
                """, stoppingToken, name, time.GetUtcNow());
            var id = await ScalarAsync<Guid?>(connection, """
                INSERT INTO scheduler.job_runs (id, job, trigger, scheduled_for, started_at, outcome) VALUES ($1, $2, $3, $4, $5, 'running')
                ON CONFLICT (job, scheduled_for) WHERE scheduled_for IS NOT NULL DO NOTHING RETURNING id
                """, stoppingToken, Guid.CreateVersion7(), name, trigger, (object?)scheduledFor ?? DBNull.Value, time.GetUtcNow());
            if (id is not { } runId)
            {
                await ReleaseAsync(connection, name); // this occurrence was run already
                return null;
            }
            return new StartedRun(runId, Task.Run(() => CompleteAsync(connection, runId, name, options, trigger, stoppingToken), CancellationToken.None));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task CompleteAsync(NpgsqlConnection connection, Guid id, string name, JobOptions options, string trigger, CancellationToken stoppingToken)
    {
        // The connection holds the lock until the run is recorded.
        using var activity = Source.StartActivity($"job {name}");
        activity?.SetTag("fleet.job.name", name);
        activity?.SetTag("fleet.job.trigger", trigger);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(options.Timeout);
        var (outcome, error, items) = ("succeeded", (string?)null, (int?)null);
        try
        {
            items = await services.GetRequiredKeyedService<IScheduledJob>(name).RunAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            (outcome, error) = ("timed_out", $"cancelled after its timeout of {options.Timeout}");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            (outcome, error) = ("failed", "the service stopped during the run");
        }
        catch (Exception exception)
        {
            (outcome, error) = ("failed", exception.Message);
            logger.LogWarning(exception, "Job {Job} failed", name);
        }
        activity?.SetTag("fleet.job.outcome", outcome);
        metrics.Ran(name, outcome);
        if (outcome != "succeeded")
        {
            activity?.SetStatus(ActivityStatusCode.Error, error);
        }
        try
        {
            await ScalarAsync<object>(connection, "UPDATE scheduler.job_runs SET ended_at = $2, outcome = $3, error = $4, items = $5 WHERE id = $1",
                CancellationToken.None, id, time.GetUtcNow(), outcome, (object?)error ?? DBNull.Value, (object?)items ?? DBNull.Value);
        }
        finally
        {
            await ReleaseAsync(connection, name);
        }
    }

    /// <summary>
    /// Lets go of the lock, then of the connection: a pooled connection's session outlives its closing, and with it a
    /// session lock. (A connection that broke took its session, and the lock, with it.)
    /// </summary>
    private static async Task ReleaseAsync(NpgsqlConnection connection, string name)
    {
        try
        {
            await ScalarAsync<bool>(connection, "SELECT pg_advisory_unlock(hashtext('scheduler.job:' || $1))", CancellationToken.None, name);
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    private static async Task<T?> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is null or DBNull ? default : (T)result;
    }
}

/// <summary>A run that has begun; <see cref="Completion"/> ends when it is recorded.</summary>
public sealed record StartedRun(Guid Id, Task Completion);

/// <summary>Why a job runs, as <c>job_runs.trigger</c> records it.</summary>
public static class JobTrigger
{
    public const string Schedule = "schedule";

    /// <summary>An occurrence missed while every replica was down, run once at start however many were missed.</summary>
    public const string CatchUp = "catch_up";

    public const string Manual = "manual";
}
