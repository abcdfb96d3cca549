namespace Fleet.Gateway.RateLimiting;

/// <summary>Section <c>Gateway:RateLimits</c>: a token bucket per client id for authenticated callers, per IP address for the others.</summary>
public sealed class GatewayRateLimitOptions
{
    public const string SectionName = "Gateway:RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>Per client (the token's <c>client_id</c>, else <c>sub</c>).</summary>
    public RateLimitTier Authenticated { get; set; } = new() { PermitsPerSecond = 500, Burst = 1000 };

    /// <summary>
    /// Machine clients with a limit of their own, by client id, instead of <see cref="Authenticated"/>: a feed that is
    /// meant to send thousands of requests a second (<c>xrides</c>) is not held to what suits an interactive client.
    /// </summary>
    public Dictionary<string, RateLimitTier> Clients { get; set; } = [];

    /// <summary>Per remote IP address, for callers without a valid token (e.g. <c>/auth/connect/token</c>).</summary>
    public RateLimitTier Anonymous { get; set; } = new() { PermitsPerSecond = 20, Burst = 50 };
}

public sealed class RateLimitTier
{
    /// <summary>Requests a second, sustained.</summary>
    public int PermitsPerSecond { get; set; }

    /// <summary>How many requests may come at once after a quiet spell; at least <see cref="PermitsPerSecond"/>.</summary>
    public int Burst { get; set; }
}
