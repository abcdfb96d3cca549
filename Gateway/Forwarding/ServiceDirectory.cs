using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace Fleet.Gateway.Forwarding;

/// <summary>The services behind the gateway (YARP's clusters) and their replicas, for health and docs.</summary>
public sealed class ServiceDirectory(IProxyStateLookup proxyState, IEnumerable<IProxyConfigProvider> configProviders)
{
    /// <summary>The configured cluster ids, known before YARP has loaded its configuration.</summary>
    public IReadOnlyList<string> ConfiguredServiceIds() =>
        [.. configProviders.SelectMany(provider => provider.GetConfig().Clusters).Select(cluster => cluster.ClusterId).Order(StringComparer.Ordinal)];

    public IReadOnlyList<ServiceReplicas> Services() =>
        [.. proxyState.GetClusters().Select(ToService).OrderBy(service => service.Id, StringComparer.Ordinal)];

    public ServiceReplicas? Find(string id) => proxyState.TryGetCluster(id, out var cluster) ? ToService(cluster) : null;

    /// <summary>
    /// Replicas are named after their configured destination (<c>ingest</c>, or <c>ingest-0</c>, <c>ingest-1</c>
    /// when service discovery gave several), never by address: the names are shown to anyone.
    /// </summary>
    private static ServiceReplicas ToService(ClusterState cluster)
    {
        var replicas = new List<Replica>();
        var destinations = cluster.Destinations.Values
            .Select(destination => (Configured: ConfiguredName(destination.DestinationId), Destination: destination))
            .OrderBy(pair => pair.Configured, StringComparer.Ordinal)
            .ThenBy(pair => pair.Destination.Model.Config.Address, StringComparer.Ordinal);
        foreach (var group in destinations.GroupBy(pair => pair.Configured))
        {
            var index = 0;
            var single = group.Count() == 1;
            foreach (var (configured, destination) in group)
            {
                var name = single ? configured : $"{configured}-{index++}";
                replicas.Add(new Replica(name, new Uri(destination.Model.Config.Address), destination.Health.Passive == DestinationHealth.Unhealthy));
            }
        }

        return new ServiceReplicas(cluster.ClusterId, replicas);
    }

    // Service discovery names what it resolved "ingest[http://127.0.0.1:5001]".
    private static string ConfiguredName(string destinationId) =>
        destinationId.IndexOf('[', StringComparison.Ordinal) is > 0 and var bracket ? destinationId[..bracket] : destinationId;
}

public sealed record ServiceReplicas(string Id, IReadOnlyList<Replica> Replicas);

/// <param name="LeftOut">Passive health took it out of the rotation (it refused a connection lately).</param>
public sealed record Replica(string Name, Uri Address, bool LeftOut)
{
    public Uri Resolve(string path) => new(string.Concat(Address.GetLeftPart(UriPartial.Path).TrimEnd('/'), path), UriKind.Absolute);
}
