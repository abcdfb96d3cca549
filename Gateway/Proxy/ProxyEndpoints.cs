namespace Fleet.Gateway.Proxy;

public static class ProxyEndpoints
{
    /// <summary>
    /// One endpoint per configured route, so each route can carry its own metadata (authorization
    /// policy, rate limit) like any other endpoint.
    /// </summary>
    public static IEndpointRouteBuilder MapReverseProxy(this IEndpointRouteBuilder endpoints)
    {
        var routeTable = endpoints.ServiceProvider.GetRequiredService<ProxyRouteTable>();
        var forwarder = endpoints.ServiceProvider.GetRequiredService<HttpForwarder>();
        foreach (var route in routeTable.Routes)
        {
            endpoints.Map(route.PathPattern, context => forwarder.ForwardAsync(context, route))
                .WithDisplayName($"proxy {route.Id} -> {route.Cluster.Id}")
                .WithMetadata(route)
                .ExcludeFromDescription()
                .AllowAnonymous();
        }

        return endpoints;
    }
}
