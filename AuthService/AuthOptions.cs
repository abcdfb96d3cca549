namespace Fleet.AuthService;

/// <summary>Section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The public URL of AuthService through the gateway; <c>iss</c> of every token and the base of discovery URLs.</summary>
    public string Issuer { get; set; } = "http://127.0.0.1:8080/auth";

    public string Audience { get; set; } = "fleet";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// How long a replica serves a client as it last read it (see Clients/SharedClientCache): the longest another
    /// replica may take to see a client changed or deleted here. Its access tokens outlive that anyway.
    /// </summary>
    public TimeSpan ClientCacheLifetime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Refuse the password grant until the user has verified their e-mail address.</summary>
    public bool RequireVerifiedEmail { get; set; } = true;

    public TimeSpan EmailVerificationLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Attempts one source may make on one account within <see cref="LockoutDuration"/> (see Users/SignInThrottle).</summary>
    public int MaxFailedAccessAttempts { get; set; } = 5;

    /// <summary>Attempts one source may make on all accounts together within <see cref="LockoutDuration"/>.</summary>
    public int MaxFailuresPerSource { get; set; } = 20;

    /// <summary>Attempts on one account from anywhere within <see cref="LockoutDuration"/>, past which only sources the user signed in from may try.</summary>
    public int MaxFailuresPerAccount { get; set; } = 50;

    /// <summary>The window in which attempts are counted.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    public KeyRotationOptions KeyRotation { get; set; } = new();

    public string IssuerUrl(string path) => $"{Issuer.TrimEnd('/')}/{path.TrimStart('/')}";
}

public sealed class KeyRotationOptions
{
    /// <summary>How long a signing key signs before a new one takes over.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the rotation service checks whether the active key is due.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(10);
}
