namespace Fleet.AppHost.Lifecycle;

/// <summary>Marks a process the AppHost restarts, with backoff, when it exits without being asked to.</summary>
public sealed class RestartOnCrashAnnotation : IResourceAnnotation
{
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A run at least this long counts as healthy again: the next crash starts the backoff afresh.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromMinutes(1);
}
