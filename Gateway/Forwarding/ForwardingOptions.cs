namespace Fleet.Gateway.Forwarding;

/// <summary>Section <c>Gateway:Forwarding</c>; routes and clusters themselves are in YARP's <c>ReverseProxy</c> section.</summary>
public sealed class ForwardingOptions
{
    public const string SectionName = "Gateway:Forwarding";

    /// <summary>How long connecting to one destination may take before the request goes to another one.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest request body, in bytes, on a route that does not set its own <c>MaxRequestBodySize</c>.</summary>
    public long MaxRequestBodySize { get; set; } = 10L << 20;
}
