using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Fleet.Gateway.Forwarding;

/// <summary>
/// YARP passive health policy <c>ConnectionRefused</c>: a destination that refuses a connection is left out
/// of the rotation for the cluster's <c>HealthCheck:Passive:ReactivationPeriod</c>, from its first refusal.
/// YARP's own TransportFailureRate policy waits for ten requests and counts a caller hanging up as the
/// destination's failure; a refused connection, by contrast, says for certain that nobody is listening.
/// </summary>
public sealed partial class ConnectionRefusedHealthPolicy(IDestinationHealthUpdater health, ILogger<ConnectionRefusedHealthPolicy> logger)
    : IPassiveHealthCheckPolicy
{
    public const string PolicyName = "ConnectionRefused";

    private static readonly TimeSpan DefaultReactivationPeriod = TimeSpan.FromSeconds(10);

    public string Name => PolicyName;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        var error = context.GetForwarderErrorFeature();
        var leftOut = destination.Health.Passive == DestinationHealth.Unhealthy;
        var period = cluster.Model.Config.HealthCheck?.Passive?.ReactivationPeriod ?? DefaultReactivationPeriod;
        if (error.IsConnectFailure())
        {
            // Warn once per outage and period, not for every request that still finds it down.
            if (leftOut)
            {
                LogStillRefusing(logger, destination.DestinationId, cluster.ClusterId);
            }
            else
            {
                LogLeftOut(logger, destination.DestinationId, cluster.ClusterId, period, error!.Exception?.Message);
                health.SetPassive(cluster, destination, DestinationHealth.Unhealthy, period);
            }
        }
        else if (leftOut && error is null)
        {
            // Tried while every destination was left out, and it answered: back in the rotation.
            health.SetPassive(cluster, destination, DestinationHealth.Healthy, period);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Destination} of {ClusterId} refused the connection; left out for {Period} ({Reason})")]
    private static partial void LogLeftOut(ILogger logger, string destination, string clusterId, TimeSpan period, string? reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Destination} of {ClusterId} still refuses connections")]
    private static partial void LogStillRefusing(ILogger logger, string destination, string clusterId);
}
