namespace Fleet.ServiceDefaults.Telemetry;

/// <summary>
/// The ActivitySources and Meters that no instrumentation package adds for us: Fleet's own, and the ones
/// Npgsql and RabbitMQ.Client emit by themselves (the Aspire client integrations add these too, but a
/// service may use the client without its integration, e.g. in a test).
/// </summary>
internal static class TelemetrySources
{
    /// <summary>Prefix for Fleet's own sources and meters, e.g. <c>Fleet.IngestService.Intake</c>.</summary>
    public const string FleetPrefix = "Fleet.";

    public static readonly string[] ActivitySources =
    [
        "Npgsql",
        "RabbitMQ.Client.Publisher",
        "RabbitMQ.Client.Subscriber",
        FleetPrefix + "*",
    ];

    public static readonly string[] Meters =
    [
        "Npgsql",
        FleetPrefix + "*",
    ];
}
