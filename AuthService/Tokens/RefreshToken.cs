namespace Fleet.AuthService.Tokens;

/// <summary>
/// One refresh token of a rotation family. Each use marks it used and issues a child; a second use of
/// a used token revokes the whole family (RFC 9700 §4.14.2).
/// </summary>
public sealed class RefreshToken
{
    public Guid Id { get; set; }

    /// <summary>SHA-256 of the opaque token.</summary>
    public required byte[] TokenHash { get; set; }

    public Guid FamilyId { get; set; }

    public Guid? ParentId { get; set; }

    public required string ClientId { get; set; }

    public Guid UserId { get; set; }

    public string Scope { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
