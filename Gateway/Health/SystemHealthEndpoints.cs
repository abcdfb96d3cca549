using Fleet.Gateway.Forwarding;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fleet.Gateway.Health;

public static class SystemHealthEndpoints
{
    public static IServiceCollection AddSystemHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SystemHealthOptions>(configuration.GetSection(SystemHealthOptions.SectionName));
        services.AddSingleton<ServiceHealthProbe>();
        return services;
    }

    /// <summary>
    /// <c>/health</c> for the whole system and <c>/health/{service}</c> for one service, in place of the
    /// gateway's own <c>/health</c> (its liveness stays at <c>/alive</c>).
    /// </summary>
    public static IEndpointRouteBuilder MapSystemHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", GetSystemHealth).AllowAnonymous();
        endpoints.MapGet("/health/{service}", GetServiceHealth).AllowAnonymous();
        return endpoints;
    }

    private static async Task<JsonHttpResult<SystemHealthReport>> GetSystemHealth(
        ServiceDirectory directory, ServiceHealthProbe probe, CancellationToken cancellationToken)
    {
        var report = await probe.CheckAsync(directory.Services(), cancellationToken);
        return TypedResults.Json(report, statusCode: StatusCodeFor(report.Status));
    }

    private static async Task<Results<JsonHttpResult<ServiceHealthReport>, ProblemHttpResult>> GetServiceHealth(
        string service, ServiceDirectory directory, ServiceHealthProbe probe, CancellationToken cancellationToken)
    {
        if (directory.Find(service) is not { } replicas)
        {
            return ProxyProblems.UnknownService(service);
        }

        var report = await probe.CheckAsync(replicas, cancellationToken);
        return TypedResults.Json(report, statusCode: StatusCodeFor(report.Status));
    }

    private static int StatusCodeFor(HealthStatus status) =>
        status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
}
