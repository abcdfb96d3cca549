using Fleet.ServiceDefaults.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Fleet.ServiceDefaults.Telemetry;

internal static class TelemetryExtensions
{
    private static readonly string[] OtlpExporterClients = ["OtlpTraceExporter", "OtlpMetricExporter", "OtlpLogExporter"];

    /// <summary>
    /// Logs, metrics and traces through OpenTelemetry, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// is set (the AppHost sets it, with <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> and <c>OTEL_SERVICE_NAME</c>).
    /// The tracer is built even without an exporter, so that every request has a trace id for its problem
    /// details and its outgoing calls. New traces are sampled up to <see cref="TelemetryOptions.TracesPerSecond"/> a second.
    /// </summary>
    public static IHostApplicationBuilder AddFleetTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new();
        var telemetry = builder.Services.AddOpenTelemetry();
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
        {
            telemetry.ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName));
        }

        telemetry
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(TelemetrySources.Meters))
            .WithTracing(tracing => tracing
                // In code, so that it holds over the OTEL_TRACES_SAMPLER=always_on the AppHost sets.
                .SetSampler(new ParentBasedSampler(new TraceRateSampler(options.TracesPerSecond, TimeProvider.System)))
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(TelemetrySources.ActivitySources)
                // Probes hit these every few seconds and would drown the traces that matter.
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context =>
                    !context.Request.Path.StartsWithSegments(HealthEndpoints.HealthPath)
                    && !context.Request.Path.StartsWithSegments(HealthEndpoints.AlivePath))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
            // The exporter sends through IHttpClientFactory, so the resilience handler every client gets would wrap it
            // too: retries on top of the exporter's own, and on the way out a pipeline disposed before the last export,
            // which then fails and is retried until its timeout, holding every stop for seconds.
            foreach (var client in OtlpExporterClients)
            {
#pragma warning disable EXTEXP0001 // marked for evaluation, and the one way to take a default handler off one client
                builder.Services.AddHttpClient(client).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
            }
        }

        return builder;
    }
}
