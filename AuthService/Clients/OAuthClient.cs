namespace Fleet.AuthService.Clients;

/// <summary>An OAuth2 confidential client. The secret is high-entropy random, so its SHA-256 is stored.</summary>
public sealed class OAuthClient
{
    public required string ClientId { get; set; }

    public string Name { get; set; } = "";

    public required byte[] SecretHash { get; set; }

    public string[] GrantTypes { get; set; } = [];

    public string[] Scopes { get; set; } = [];

    /// <summary>May call the introspection endpoint (RFC 7662).</summary>
    public bool CanIntrospect { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SecretRotatedAt { get; set; }

    public DateTimeOffset? DisabledAt { get; set; }
}
