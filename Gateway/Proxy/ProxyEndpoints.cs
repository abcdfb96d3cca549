using Fleet.Gateway.RateLimiting;

namespace Fleet.Gateway.Proxy;

public static class ProxyEndpoints
{
    /// <summary>The <see cref="RouteConfig.AuthorizationPolicy"/> value that lets callers through without a token.</summary>
    public const string AnonymousPolicy = "Anonymous";

    /// <summary>The value (as unset) that requires an authenticated caller, whatever its scopes.</summary>
    public const string DefaultPolicy = "Default";

    /// <summary>
    /// One endpoint per configured route, so each route carries its own metadata: its authorization policy
    /// (from the route's <c>AuthorizationPolicy</c>) and the per-client rate limit.
    /// </summary>
    public static IEndpointRouteBuilder MapReverseProxy(this IEndpointRouteBuilder endpoints)
    {
        var routeTable = endpoints.ServiceProvider.GetRequiredService<ProxyRouteTable>();
        var forwarder = endpoints.ServiceProvider.GetRequiredService<HttpForwarder>();
        foreach (var route in routeTable.Routes)
        {
            var endpoint = endpoints.Map(route.PathPattern, context => forwarder.ForwardAsync(context, route))
                .WithDisplayName($"proxy {route.Id} -> {route.Cluster.Id}")
                .WithMetadata(route)
                .ExcludeFromDescription()
                .RequireRateLimiting(GatewayRateLimits.PolicyName);
            switch (route.AuthorizationPolicy)
            {
                case { } policy when policy.Equals(AnonymousPolicy, StringComparison.OrdinalIgnoreCase):
                    endpoint.AllowAnonymous();
                    break;
                case null or "":
                case { } when route.AuthorizationPolicy.Equals(DefaultPolicy, StringComparison.OrdinalIgnoreCase):
                    endpoint.RequireAuthorization();
                    break;
                default:
                    endpoint.RequireAuthorization(route.AuthorizationPolicy);
                    break;
            }
        }

        // An unrouted path is a 404 to everyone, not a 401 from the fallback policy.
        endpoints.MapFallback("{**path}", () => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound))
            .WithDisplayName("gateway: no route")
            .ExcludeFromDescription()
            .AllowAnonymous();
        return endpoints;
    }
}
