namespace Fleet.Gateway.Proxy;

/// <summary>
/// The <c>ReverseProxy</c> configuration section, shaped like YARP's so the route table reads the
/// same and could move to YARP unchanged.
/// </summary>
public sealed class ReverseProxyOptions
{
    public const string SectionName = "ReverseProxy";

    public Dictionary<string, RouteConfig> Routes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, ClusterConfig> Clusters { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long a route waits for the backend's response headers unless the route sets its own.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long establishing a connection to one destination may take before the next is tried.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

public sealed class RouteConfig
{
    public string? ClusterId { get; set; }

    public RouteMatch Match { get; set; } = new();

    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// YARP's field: <c>Anonymous</c> (no token needed at the gateway), <c>Default</c> or unset (an authenticated
    /// caller), or the name of a policy such as <c>rides:write</c>. Services still check scopes themselves.
    /// </summary>
    public string? AuthorizationPolicy { get; set; }
}

public sealed class RouteMatch
{
    /// <summary>A route pattern such as <c>/auth/{**catch-all}</c>.</summary>
    public string? Path { get; set; }
}

public sealed class ClusterConfig
{
    public Dictionary<string, DestinationConfig> Destinations { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public ClusterHealthCheckConfig HealthCheck { get; set; } = new();
}

public sealed class DestinationConfig
{
    /// <summary>
    /// Either a literal address or <c>http://&lt;service&gt;</c>, which expands to every endpoint listed
    /// under the <c>services:&lt;service&gt;:http</c> configuration section.
    /// </summary>
    public string? Address { get; set; }
}

public sealed class ClusterHealthCheckConfig
{
    public PassiveHealthCheckConfig Passive { get; set; } = new();
}

public sealed class PassiveHealthCheckConfig
{
    /// <summary>How long a destination that refused a connection is left out of the rotation.</summary>
    public TimeSpan ReactivationPeriod { get; set; } = TimeSpan.FromSeconds(10);
}
