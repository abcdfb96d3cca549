using Microsoft.Extensions.ServiceDiscovery;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;

namespace Fleet.Gateway.Forwarding;

/// <summary>YARP, with routes and clusters from the <c>ReverseProxy</c> section and destinations from service discovery.</summary>
public static class GatewayForwarding
{
    public const string SectionName = "ReverseProxy";

    public static IServiceCollection AddGatewayForwarding(this IServiceCollection services, IConfiguration configuration)
    {
        // ServiceDefaults may have added it already; twice would list every endpoint twice.
        if (!services.Any(service => service.ServiceType == typeof(ServiceEndpointResolver)))
        {
            services.AddServiceDiscovery();
        }

        services.AddReverseProxy()
            .LoadFromConfig(configuration.GetSection(SectionName))
            .AddServiceDiscoveryDestinationResolver()
            .AddTransforms<GatewayTransforms>();
        services.Configure<ForwardingOptions>(configuration.GetSection(ForwardingOptions.SectionName));
        services.AddSingleton<IForwarderHttpClientFactory, GatewayHttpClientFactory>();
        services.AddSingleton<IPassiveHealthCheckPolicy, ConnectionRefusedHealthPolicy>();
        services.AddSingleton<ForwardingProblems>();
        services.AddSingleton<RequestBodyLimit>();
        services.AddSingleton<ServiceDirectory>();
        services.AddRequestTimeouts(); // routes' Timeout: YARP hands it to ASP.NET Core's request timeouts
        return services;
    }

    public static IEndpointRouteBuilder MapGatewayForwarding(this IEndpointRouteBuilder endpoints)
    {
        var problems = endpoints.ServiceProvider.GetRequiredService<ForwardingProblems>();
        var bodyLimit = endpoints.ServiceProvider.GetRequiredService<RequestBodyLimit>();
        endpoints.MapReverseProxy(proxy =>
        {
            proxy.Use(problems.InvokeAsync);
            proxy.Use(bodyLimit.InvokeAsync);
            proxy.Use(RetryRefusedConnections.InvokeAsync);
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });

        // An unrouted path is a 404 to everyone, not a 401 from the fallback policy.
        endpoints.MapFallback("{**path}", () => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound))
            .WithDisplayName("gateway: no route")
            .ExcludeFromDescription()
            .AllowAnonymous();
        return endpoints;
    }
}
