namespace Fleet.Gateway.Health;

/// <summary>The <c>Gateway:Health</c> section.</summary>
public sealed class SystemHealthOptions
{
    public const string SectionName = "Gateway:Health";

    /// <summary>How long one replica's <c>/health</c> may take before it counts as unhealthy.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
}
