namespace Fleet.ServiceDefaults.Telemetry;

/// <summary>Bound from <c>Telemetry</c>.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>
    /// New traces a service exports each second at most; a request that arrives with a trace follows its caller's
    /// decision. Under load a trace per request would cost the services more than their own work, and the dashboard most.
    /// </summary>
    public double TracesPerSecond { get; set; } = 10;
}
