namespace Fleet.AuthService.Seeding;

/// <summary>Section <c>Seed</c>: the first admin and the development clients (secrets from the environment only).</summary>
public sealed class SeedOptions
{
    public const string SectionName = "Seed";

    public SeedAdmin Admin { get; set; } = new();

    public Dictionary<string, SeedClient> Clients { get; set; } = [];
}

public sealed class SeedAdmin
{
    public string UserName { get; set; } = "admin";

    public string? Email { get; set; }

    /// <summary>Env <c>Seed__Admin__Password</c>; no password, no admin seeded.</summary>
    public string? Password { get; set; }
}

public sealed class SeedClient
{
    public string? Name { get; set; }

    /// <summary><c>confidential</c> (the default), or <c>public</c> for a browser client of the authorization code flow.</summary>
    public string Type { get; set; } = "confidential";

    /// <summary>Env <c>Seed__Clients__&lt;id&gt;__Secret</c>; a confidential client without one is skipped.</summary>
    public string? Secret { get; set; }

    /// <summary>The exact redirect URIs a public client may use.</summary>
    public string[] RedirectUris { get; set; } = [];

    public string[] GrantTypes { get; set; } = [];

    public string[] Scopes { get; set; } = [];

    public bool Introspect { get; set; }
}
