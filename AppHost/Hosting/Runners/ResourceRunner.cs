using Fleet.AppHost.Hosting.Processes;

namespace Fleet.AppHost.Hosting.Runners;

/// <summary>Runs one instance of a resource on this machine and tells whether it is healthy.</summary>
internal abstract class ResourceRunner(Resource resource, RunContext context)
{
    public Resource Resource { get; } = resource;

    protected RunContext Context { get; } = context;

    /// <summary>The instance's name: the resource's, or "name-i" for a replica.</summary>
    public virtual string InstanceName => Resource.Name;

    public ResourceState State { get; set; } = ResourceState.NotStarted;

    private HealthStatus _health = HealthStatus.Unknown;
    private int _healthCheckedAtRestarts;

    /// <summary>The last health check's verdict, unless the process has been restarted since that check began.</summary>
    public HealthStatus Health => _healthCheckedAtRestarts == Restarts ? _health : HealthStatus.Unknown;

    public string? HealthDetail { get; private set; }

    /// <summary>Checks health now; a verdict about a process that has since been restarted does not count.</summary>
    public async Task<HealthCheck> UpdateHealthAsync(CancellationToken cancellationToken)
    {
        var restartsBefore = Restarts;
        var check = await CheckHealthAsync(cancellationToken);
        _health = check.IsHealthy ? HealthStatus.Healthy : HealthStatus.Unhealthy;
        HealthDetail = check.Detail;
        _healthCheckedAtRestarts = restartsBefore;
        return check;
    }

    public void ResetHealth()
    {
        _health = HealthStatus.Unknown;
        HealthDetail = null;
    }

    public virtual string? Endpoint => null;

    public virtual int? Pid => null;

    public virtual int Restarts => 0;

    /// <summary>Every process this instance has started, for the check that nothing is left behind.</summary>
    public virtual IEnumerable<int> StartedPids => [];

    private ResourceLog? _log;

    public ResourceLog Log => _log ??= Context.CreateLog(InstanceName);

    /// <summary>Problems that must stop start-up before anything runs, each with what to do about it.</summary>
    public virtual IEnumerable<string> CheckPrerequisites() => [];

    public abstract Task StartAsync(CancellationToken cancellationToken);

    public abstract Task<HealthCheck> CheckHealthAsync(CancellationToken cancellationToken);

    public virtual Task StopAsync(TimeSpan grace) => Task.CompletedTask;

    public ResourceSnapshot Snapshot() =>
        new(InstanceName, Resource.Kind, State, Health, Endpoint, Pid, Restarts, HealthDetail);
}

internal readonly record struct HealthCheck(bool IsHealthy, string? Detail = null)
{
    public static HealthCheck Healthy() => new(true);

    public static HealthCheck Unhealthy(string detail) => new(false, detail);
}
