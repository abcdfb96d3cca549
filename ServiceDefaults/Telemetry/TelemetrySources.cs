namespace Fleet.ServiceDefaults.Telemetry;

/// <summary>
/// The ActivitySources and Meters that the framework and client libraries emit by themselves;
/// without the OpenTelemetry instrumentation packages we subscribe to them by name.
/// </summary>
internal static class TelemetrySources
{
    /// <summary>Prefix for Fleet's own sources and meters, e.g. <c>Fleet.IngestService.Intake</c>.</summary>
    public const string FleetPrefix = "Fleet.";

    public static readonly string[] ActivitySources =
    [
        "Microsoft.AspNetCore",        // server spans, one per request; parent taken from the incoming traceparent
        "System.Net.Http",             // HttpClient client spans; traceparent injected into outgoing requests
        "Npgsql",
        "RabbitMQ.Client.Publisher",   // RabbitMQActivitySource.PublisherSourceName in 7.1.2
        "RabbitMQ.Client.Subscriber",  // RabbitMQActivitySource.SubscriberSourceName in 7.1.2
        FleetPrefix + "*",
    ];

    public static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
        "System.Net.Http",
        "System.Net.NameResolution",
        "System.Runtime",
        "Npgsql",
        FleetPrefix + "*",
    ];
}
