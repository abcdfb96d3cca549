using Fleet.ServiceDefaults;
using Fleet.ServiceDefaults.Health;
using Fleet.ServiceDefaults.Problems;
using Fleet.ServiceDefaults.Requests;
using Fleet.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Fleet service shares, shaped like Aspire's service-defaults template: OpenTelemetry,
/// service discovery and the standard resilience handler on every HttpClient, health checks; and
/// Fleet's own RFC 9457 problem details, the NUL-character guard and OpenAPI. Dependencies (database, broker, cache) are added
/// separately with the Aspire client integrations (<c>AddNpgsqlDbContext</c>, <c>AddRabbitMQClient</c>,
/// <c>AddRedisClient</c>), each of which registers its own health check and telemetry.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddFleetTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.AddFleetProblemDetails();
        builder.Services.AddTransient<IStartupFilter, NulCharacterGuard.StartupFilter>(); // after the problem handlers: inside them
        builder.Services.AddOpenApi();
        return builder;
    }

    /// <summary>Maps <c>/health</c>, <c>/alive</c> and <c>/openapi/v1.json</c>.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app) => app.MapDefaultEndpoints(_ => { });

    /// <summary>
    /// Maps the default endpoints, minus the ones switched off in <paramref name="configure"/>;
    /// the Gateway uses <c>o => o.MapHealth = false</c> and maps its own aggregate <c>/health</c>.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app, Action<DefaultEndpointsOptions> configure)
    {
        var options = new DefaultEndpointsOptions();
        configure(options);

        if (options.MapOpenApi)
        {
            app.MapOpenApi().AllowAnonymous();
        }

        app.MapHealthEndpoints(options);
        return app;
    }
}
