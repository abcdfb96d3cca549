namespace Fleet.Gateway.Proxy;

/// <summary>
/// A configured route; also attached as endpoint metadata so later features (authorization, rate
/// limits) can find which route an endpoint forwards.
/// </summary>
public sealed class ProxyRoute(string id, string pathPattern, ProxyCluster cluster, TimeSpan timeout, string? authorizationPolicy = null)
{
    public string Id { get; } = id;

    public string PathPattern { get; } = pathPattern;

    public ProxyCluster Cluster { get; } = cluster;

    /// <summary>How long the backend may take to send its response headers.</summary>
    public TimeSpan Timeout { get; } = timeout;

    /// <summary><c>Anonymous</c>, <c>Default</c> / null (authenticated caller) or a policy name; see <see cref="RouteConfig.AuthorizationPolicy"/>.</summary>
    public string? AuthorizationPolicy { get; } = authorizationPolicy;
}
