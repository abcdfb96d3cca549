using System.Diagnostics;

namespace Fleet.ServiceDefaults.Telemetry;

/// <summary>
/// Makes ASP.NET Core create an Activity for every request even when nothing exports traces, so a request
/// always has a W3C trace id (continued from the caller's <c>traceparent</c>): problem details carry it and
/// outgoing calls pass it on. Without a listener, ASP.NET Core creates none.
/// </summary>
internal static class RequestActivities
{
    private static readonly Lazy<ActivityListener> Listener = new(() =>
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            // Trace context only: an exporter that samples requests in (OTLP) still gets full data.
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    });

    public static void EnsureCreated() => _ = Listener.Value;
}
