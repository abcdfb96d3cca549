namespace Fleet.AuthService.Keys;

/// <summary>
/// A P-256 signing key. The private key is kept in authdb as PKCS#8 bytes, unencrypted: acceptable for
/// this reference system, where authdb is reachable only by AuthService; a production deployment would
/// wrap it with a KMS or keep it in an HSM.
/// </summary>
public sealed class SigningKey
{
    /// <summary>The <c>kid</c>: the key's RFC 7638 JWK thumbprint.</summary>
    public required string Id { get; set; }

    public string Algorithm { get; set; } = "ES256";

    public required byte[] PrivateKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Set when a newer key took over signing; null for the one active key.</summary>
    public DateTimeOffset? DeactivatedAt { get; set; }

    /// <summary>Stays in the JWKS until then, so tokens it signed keep validating until they expire.</summary>
    public DateTimeOffset? PublishedUntil { get; set; }
}
