namespace Fleet.SchedulerService.Data;

/// <summary>A row of <c>scheduler.job_runs</c>: one run of a job, from its start to its outcome.</summary>
public sealed class JobRun
{
    public Guid Id { get; set; }

    public required string Job { get; set; }

    /// <summary><c>schedule</c>, <c>catch_up</c> (missed while everything was down) or <c>manual</c>.</summary>
    public required string Trigger { get; set; }

    /// <summary>The cron occurrence it runs for; unique per job, so that two replicas never run the same one. Null for a manual run.</summary>
    public DateTimeOffset? ScheduledFor { get; set; }

    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary><c>running</c>, <c>succeeded</c>, <c>failed</c> or <c>timed_out</c>.</summary>
    public required string Outcome { get; set; }

    public string? Error { get; set; }

    /// <summary>What the job says it processed (e.g. plans read), when it says.</summary>
    public int? Items { get; set; }
}
