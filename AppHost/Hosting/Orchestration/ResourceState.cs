namespace Fleet.AppHost.Hosting;

public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Restarting,
    FailedToStart,
    Stopping,
    Stopped,
}

public enum HealthStatus
{
    Unknown,
    Healthy,
    Unhealthy,
}

/// <summary>What the console view and the tests see of one running instance (a replica of a project counts as one).</summary>
public sealed record ResourceSnapshot(
    string Name,
    string Kind,
    ResourceState State,
    HealthStatus Health,
    string? Endpoint,
    int? Pid,
    int Restarts,
    string? HealthDetail);
