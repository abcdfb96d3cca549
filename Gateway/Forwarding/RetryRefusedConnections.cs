using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Fleet.Gateway.Forwarding;

/// <summary>
/// Proxy pipeline step (before load balancing): when the chosen destination refuses the connection, the
/// request goes to another one. Safe for any method, a body included, because nothing was sent. Healthy
/// destinations are tried first; when none is left, those left out earlier, since one may be back.
/// </summary>
public static class RetryRefusedConnections
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var proxy = context.GetReverseProxyFeature();
        var available = proxy.AvailableDestinations;
        List<DestinationState>? refused = null;
        while (true)
        {
            await next(context);
            if (proxy.ProxiedDestination is not { } destination
                || context.Response.HasStarted
                || !context.GetForwarderErrorFeature().IsConnectFailure())
            {
                return;
            }

            (refused ??= []).Add(destination);
            var untried = Untried(available, refused);
            if (untried.Count == 0)
            {
                untried = Untried(proxy.AllDestinations, refused);
            }

            if (untried.Count == 0)
            {
                return; // the refusal stays, and is answered as a 502
            }

            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.StatusCode = StatusCodes.Status200OK;
            proxy.ProxiedDestination = null;
            proxy.AvailableDestinations = untried;
        }
    }

    private static List<DestinationState> Untried(IReadOnlyList<DestinationState> destinations, List<DestinationState> refused)
    {
        var untried = new List<DestinationState>(destinations.Count);
        foreach (var destination in destinations)
        {
            if (!refused.Contains(destination))
            {
                untried.Add(destination);
            }
        }

        return untried;
    }
}
