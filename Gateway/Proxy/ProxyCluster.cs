namespace Fleet.Gateway.Proxy;

/// <summary>A service behind the gateway: its replicas and how long a refusing replica is left out.</summary>
public sealed class ProxyCluster(string id, DestinationSelector destinations, TimeSpan reactivationPeriod)
{
    public string Id { get; } = id;

    public DestinationSelector Destinations { get; } = destinations;

    public TimeSpan ReactivationPeriod { get; } = reactivationPeriod;
}
