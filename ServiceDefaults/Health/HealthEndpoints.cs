using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Fleet.ServiceDefaults.Health;

/// <summary>
/// <c>/health</c> runs every check (the process and each dependency it uses) and answers 200 or 503;
/// <c>/alive</c> runs only the <see cref="HealthCheckTags.Live"/> checks, so a dependency outage
/// never makes an orchestrator restart a healthy process.
/// </summary>
public static class HealthEndpoints
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";

    /// <summary>How long a check may take before it counts as failed.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    internal static IHostApplicationBuilder AddDefaultHealthChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [HealthCheckTags.Live]);

        // The client integrations' checks have no timeout of their own, and EF's retries a refused
        // connection for a minute: a probe must get its answer (503) long before that.
        builder.Services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations.Where(r => r.Timeout == Timeout.InfiniteTimeSpan))
            {
                registration.Timeout = CheckTimeout;
            }
        });
        return builder;
    }

    internal static WebApplication MapHealthEndpoints(this WebApplication app, DefaultEndpointsOptions options)
    {
        if (options.MapHealth)
        {
            app.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteJsonAsync })
                .AllowAnonymous();
        }

        if (options.MapAlive)
        {
            app.MapHealthChecks(AlivePath, new HealthCheckOptions
                {
                    Predicate = registration => registration.Tags.Contains(HealthCheckTags.Live),
                    ResponseWriter = HealthReportWriter.WriteJsonAsync,
                })
                .AllowAnonymous();
        }

        return app;
    }
}
