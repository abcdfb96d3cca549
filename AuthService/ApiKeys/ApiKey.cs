namespace Fleet.AuthService.ApiKeys;

/// <summary>A user's API key, <c>fk_&lt;id&gt;_&lt;secret&gt;</c>; only the SHA-256 of the whole key is stored.</summary>
public sealed class ApiKey
{
    /// <summary>12 lower-case letters and digits, the public part of the key.</summary>
    public required string Id { get; set; }

    public Guid UserId { get; set; }

    public string Name { get; set; } = "";

    public required byte[] SecretHash { get; set; }

    public string[] Scopes { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
