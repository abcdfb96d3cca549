namespace Fleet.ServiceDefaults.Health;

/// <summary>Tags that decide which endpoint runs a health check.</summary>
public static class HealthCheckTags
{
    /// <summary>Liveness: the process itself. Run by <c>/alive</c> (and <c>/health</c>).</summary>
    public const string Live = "live";

    /// <summary>Readiness: a dependency the service uses (database, broker, cache). Run by <c>/health</c> only.</summary>
    public const string Ready = "ready";
}
