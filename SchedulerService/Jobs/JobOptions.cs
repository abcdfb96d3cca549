namespace Fleet.SchedulerService.Jobs;

/// <summary>One job, from <c>Scheduler:Jobs:&lt;name&gt;</c>.</summary>
public sealed class JobOptions
{
    /// <summary>A cron expression (5 fields, or 6 with seconds first), in UTC.</summary>
    public string Cron { get; set; } = "";

    /// <summary>A run still going after this is cancelled and recorded as timed out.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    public bool Enabled { get; set; } = true;

    /// <summary>For a job that is a message to another service rather than code here: where each run publishes one.</summary>
    public MessageJobOptions? Message { get; set; }

    /// <summary>For a job that is a call to another service's route: what each run calls, with which scope.</summary>
    public HttpJobOptions? Http { get; set; }
}

/// <summary>A job that tells another service to do the work: one persistent, confirmed, mandatory message per run.</summary>
public sealed class MessageJobOptions
{
    public string Exchange { get; set; } = "";

    public string RoutingKey { get; set; } = "";
}

/// <summary>A job that asks another service to do the work: one HTTP call per run, with the scheduler's own token.</summary>
public sealed class HttpJobOptions
{
    /// <summary>Absolute; a service's name as host (<c>http://audit/...</c>) is resolved by service discovery.</summary>
    public Uri? Url { get; set; }

    public string Method { get; set; } = "POST";

    /// <summary>The scope the token is asked for; the scheduler's client at AuthService must be allowed it.</summary>
    public string Scope { get; set; } = "";
}

/// <summary>Every job, from <c>Scheduler:Jobs</c>.</summary>
public sealed class SchedulerOptions
{
    public const string SectionName = "Scheduler";

    public Dictionary<string, JobOptions> Jobs { get; set; } = [];
}
