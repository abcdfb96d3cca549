using Fleet.SchedulerService.Data;

namespace Fleet.SchedulerService.Jobs;

/// <summary>A job as <c>GET /jobs</c> lists it.</summary>
public sealed record JobView(string Name, string Cron, TimeSpan Timeout, bool Enabled, DateTimeOffset? NextRunAt, JobRunView? LastRun);

/// <summary>One run of a job.</summary>
public sealed record JobRunView(Guid Id, string Trigger, DateTimeOffset? ScheduledFor, DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
    string Outcome, string? Error, int? Items)
{
    public static JobRunView From(JobRun run) =>
        new(run.Id, run.Trigger, run.ScheduledFor, run.StartedAt, run.EndedAt, run.Outcome, run.Error, run.Items);
}

/// <summary>The answer to <c>POST /jobs/{name}/run</c>.</summary>
public sealed record StartedRunView(Guid RunId);
