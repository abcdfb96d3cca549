using Microsoft.Extensions.Options;

namespace Fleet.Gateway.Proxy;

/// <summary>The routes and clusters of the <c>ReverseProxy</c> section, validated and with destinations resolved.</summary>
public sealed partial class ProxyRouteTable
{
    private readonly Dictionary<string, ProxyCluster> _clusters = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ProxyRoute> _routes = [];

    public ProxyRouteTable(IOptions<ReverseProxyOptions> options, ServiceEndpointResolver resolver, ILogger<ProxyRouteTable> logger)
    {
        var config = options.Value;
        foreach (var (clusterId, cluster) in config.Clusters)
        {
            var destinations = new List<Destination>();
            foreach (var (name, destination) in cluster.Destinations)
            {
                if (string.IsNullOrWhiteSpace(destination.Address))
                {
                    throw new InvalidOperationException($"ReverseProxy:Clusters:{clusterId}:Destinations:{name} has no Address.");
                }

                var addresses = resolver.Resolve(destination.Address);
                for (var i = 0; i < addresses.Count; i++)
                {
                    destinations.Add(new Destination(addresses.Count == 1 ? name : $"{name}-{i}", addresses[i]));
                }
            }

            if (destinations.Count == 0)
            {
                LogNoDestinations(logger, clusterId);
            }

            _clusters[clusterId] = new ProxyCluster(clusterId, new DestinationSelector(destinations), cluster.HealthCheck.Passive.ReactivationPeriod);
        }

        foreach (var (routeId, route) in config.Routes)
        {
            if (string.IsNullOrWhiteSpace(route.Match.Path))
            {
                throw new InvalidOperationException($"ReverseProxy:Routes:{routeId} has no Match:Path.");
            }

            if (route.ClusterId is null || !_clusters.TryGetValue(route.ClusterId, out var cluster))
            {
                throw new InvalidOperationException($"ReverseProxy:Routes:{routeId} names cluster '{route.ClusterId}', which is not configured.");
            }

            _routes.Add(new ProxyRoute(routeId, route.Match.Path, cluster, route.Timeout ?? config.DefaultTimeout, route.AuthorizationPolicy));
        }

        if (_routes.Count == 0)
        {
            LogNoRoutes(logger);
        }
    }

    public IReadOnlyList<ProxyRoute> Routes => _routes;

    /// <summary>Every cluster, i.e. every service behind the gateway.</summary>
    public IReadOnlyCollection<ProxyCluster> Clusters => _clusters.Values;

    public ProxyCluster? FindCluster(string id) => _clusters.GetValueOrDefault(id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No routes configured under ReverseProxy:Routes: nothing will be forwarded (is the content root the folder with appsettings.json?)")]
    private static partial void LogNoRoutes(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster {ClusterId} has no destinations; its routes will answer 502")]
    private static partial void LogNoDestinations(ILogger logger, string clusterId);
}
