namespace Fleet.ServiceDefaults.Authentication;

/// <summary>
/// Configuration section <c>Auth</c> (env <c>Auth__Issuer</c>, ...). Where AuthService is comes from
/// <c>services:auth:http:0</c> unless <see cref="AuthServiceUrl"/> is set.
/// </summary>
public sealed class FleetAuthenticationOptions
{
    public const string SectionName = "Auth";

    /// <summary>The only accepted <c>iss</c>: AuthService's public URL through the gateway. Unset, every token is refused.</summary>
    public string? Issuer { get; set; }

    public string Audience { get; set; } = "fleet";

    /// <summary>AuthService's own address (not the gateway's); defaults to <c>services:auth:https:0</c>, else <c>services:auth:http:0</c>.</summary>
    public string? AuthServiceUrl { get; set; }

    public string JwksPath { get; set; } = "/auth/.well-known/jwks.json";

    public string IntrospectionPath { get; set; } = "/auth/connect/introspect";

    /// <summary>Where a service asks for a token of its own (client credentials grant).</summary>
    public string TokenPath { get; set; } = "/auth/connect/token";

    /// <summary>Tolerance for clocks that disagree, on <c>exp</c> and <c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long fetched keys are used before they are fetched again on the next request.</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The shortest time between two fetches of the key set, however many tokens name an unknown <c>kid</c>:
    /// a caller cannot make the service hammer AuthService.
    /// </summary>
    public TimeSpan JwksMinimumRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Accept <c>X-Api-Key</c> (validated by introspection at AuthService) besides bearer tokens.</summary>
    public bool AcceptApiKeys { get; set; }

    /// <summary>This service's client at AuthService, for introspecting API keys or asking for a token of its own.</summary>
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>How long an introspection answer (active or not) is reused for the same key.</summary>
    public TimeSpan ApiKeyCacheDuration { get; set; } = TimeSpan.FromSeconds(60);
}
