namespace Fleet.AuthService.Audit;

public static class AuditCategories
{
    /// <summary>Logins, token issue, refresh-token reuse, revocation.</summary>
    public const string Authentication = "authentication";

    /// <summary>Users' API keys.</summary>
    public const string Credentials = "credentials";

    /// <summary>OAuth client administration.</summary>
    public const string Administration = "administration";
}
