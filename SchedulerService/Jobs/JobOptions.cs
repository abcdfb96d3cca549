namespace Fleet.SchedulerService.Jobs;

/// <summary>One job, from <c>Scheduler:Jobs:&lt;name&gt;</c>.</summary>
public sealed class JobOptions
{
    /// <summary>A cron expression (5 fields, or 6 with seconds first), in UTC.</summary>
    public string Cron { get; set; } = "";

    /// <summary>A run still going after this is cancelled and recorded as timed out.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    public bool Enabled { get; set; } = true;
}

/// <summary>Every job, from <c>Scheduler:Jobs</c>.</summary>
public sealed class SchedulerOptions
{
    public const string SectionName = "Scheduler";

    public Dictionary<string, JobOptions> Jobs { get; set; } = [];
}
