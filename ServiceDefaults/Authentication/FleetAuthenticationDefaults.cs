namespace Fleet.ServiceDefaults.Authentication;

public static class FleetAuthenticationDefaults
{
    /// <summary>JWT access tokens in <c>Authorization: Bearer</c>.</summary>
    public const string BearerScheme = "Bearer";

    /// <summary>User API keys in <c>X-Api-Key</c>, validated by introspection.</summary>
    public const string ApiKeyScheme = "ApiKey";

    /// <summary>With API keys on: picks <see cref="ApiKeyScheme"/> when the request has <c>X-Api-Key</c>, else <see cref="BearerScheme"/>.</summary>
    public const string SelectorScheme = "Fleet";

    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>The HTTP client that talks to AuthService (JWKS, introspection).</summary>
    public const string HttpClientName = "Fleet.Auth";
}
