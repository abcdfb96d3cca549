using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Fleet.ServiceDefaults.Telemetry;

internal static class TelemetryExtensions
{
    /// <summary>
    /// Traces, metrics and logs over OTLP, switched on by <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.
    /// The protocol is http/protobuf unless <c>OTEL_EXPORTER_OTLP_PROTOCOL=grpc</c>; the resource's
    /// <c>service.name</c> comes from <c>OTEL_SERVICE_NAME</c> (read by the SDK's default resource),
    /// or else is the application name, e.g. <c>Fleet.IngestService</c>.
    /// </summary>
    public static IHostApplicationBuilder AddFleetTelemetry(this IHostApplicationBuilder builder)
    {
        RequestActivities.EnsureCreated();

        var endpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return builder;
        }

        var protocol = string.Equals(builder.Configuration["OTEL_EXPORTER_OTLP_PROTOCOL"], "grpc", StringComparison.OrdinalIgnoreCase)
            ? OtlpExportProtocol.Grpc
            : OtlpExportProtocol.HttpProtobuf;

        var telemetry = new OpenTelemetryServicesBuilder(builder.Services);
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
        {
            telemetry.ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName));
        }

        telemetry
            .WithTracing(tracing => tracing.AddSource(TelemetrySources.ActivitySources))
            .WithMetrics(metrics => metrics.AddMeter(TelemetrySources.Meters))
            .WithLogging(configureBuilder: null, configureOptions: logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            })
            .UseOtlpExporter(protocol, new Uri(endpoint));

        builder.Services.AddHostedService<TelemetryHostedService>();
        builder.Services.AddTransient<IStartupFilter, HttpServerSpanEnricher>();
        return builder;
    }

    /// <summary>
    /// The <see cref="IOpenTelemetryBuilder"/> that <c>services.AddOpenTelemetry()</c> would return;
    /// that method lives in OpenTelemetry.Extensions.Hosting, which is not available here.
    /// </summary>
    private sealed class OpenTelemetryServicesBuilder(IServiceCollection services) : IOpenTelemetryBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    /// <summary>
    /// Builds the tracer and meter providers when the host starts (before other hosted services
    /// and Kestrel), so start-up work such as migrations is traced too. The container disposes
    /// them, which flushes what is left, when the host stops.
    /// </summary>
    private sealed class TelemetryHostedService(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetService<TracerProvider>();
            services.GetService<MeterProvider>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
