using Fleet.AuthService.Audit;
using Fleet.ServiceDefaults.Audit;
using Fleet.AuthService.Clients;
using Fleet.AuthService.Data;
using Fleet.AuthService.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.AuthService.Tokens;

/// <summary>The three grants of the token endpoint (RFC 6749 §4.3, §4.4, §6), for an already authenticated client.</summary>
public sealed class TokenGrants(
    AuthDbContext db,
    UserManager<FleetUser> users,
    SignInManager<FleetUser> signIn,
    TokenIssuer issuer,
    AuditLog audit,
    IOptions<AuthOptions> options,
    TimeProvider time)
{
    public const string Password = "password";
    public const string ClientCredentials = "client_credentials";
    public const string RefreshTokenGrant = "refresh_token";
    public static readonly string[] Supported = [Password, ClientCredentials, RefreshTokenGrant];

    private const string InvalidCredentials = "Invalid username or password.";
    private const int FamilyLockClass = 0x46_61_6D_31; // "Fam1"; the two-key advisory locks do not overlap the one-key ones
    private const int UserLockClass = 0x55_73_72_31;   // "Usr1"
    private static string? _dummyHash;

    private string DummyHash() => _dummyHash ??= users.PasswordHasher.HashPassword(new FleetUser(), Secrets.NewSecret());

    public async Task<IResult> PasswordAsync(OAuthClient client, OAuthRequest request, CancellationToken cancellationToken)
    {
        if (request["username"] is not { } userName || request["password"] is not { } password)
        {
            return OAuthError.InvalidRequest("The password grant needs username and password.");
        }
        if (ParseScope(request) is { Error: { } scopeError })
        {
            return scopeError;
        }

        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            // Hash anyway, so an unknown name answers no faster than a wrong password.
            users.PasswordHasher.VerifyHashedPassword(new FleetUser(), DummyHash(), password);
            // The attempted name may be a password typed in the wrong field: only a digest of it is recorded.
            LoginFailed("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(userName)))[..16],
                client, "unknown_user");
            return OAuthError.InvalidGrant(InvalidCredentials);
        }

        // Check and count under a per-user lock: parallel wrong guesses must each count towards the lockout.
        SignInResult result;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await LockAsync(db, UserLockClass, user.Id, cancellationToken);
            await db.Entry(user).ReloadAsync(cancellationToken); // the counters as the previous holder of the lock left them
            result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
            await transaction.CommitAsync(cancellationToken);
        }
        if (result.IsLockedOut)
        {
            users.PasswordHasher.VerifyHashedPassword(user, DummyHash(), password); // same time as a checked password
            LoginFailed(user.Id.ToString(), client, "locked_out");
            return OAuthError.InvalidGrant(InvalidCredentials); // the same answer: the lockout is not revealed
        }
        if (!result.Succeeded)
        {
            LoginFailed(user.Id.ToString(), client, "bad_password");
            return OAuthError.InvalidGrant(InvalidCredentials);
        }
        // Checked after the password, so an unverified account is not revealed to someone who does not know it.
        if (options.Value.RequireVerifiedEmail && !user.EmailConfirmed)
        {
            LoginFailed(user.Id.ToString(), client, "email_not_verified");
            return OAuthError.InvalidGrant("The e-mail address is not verified yet.");
        }

        var roles = await users.GetRolesAsync(user);
        var (scopes, error) = GrantScopes(ParseScope(request).Scopes, Scopes.ForRoles(roles), client);
        if (error is not null)
        {
            return error;
        }

        audit.Record(AuditCategories.Authentication, "user.login", "success", "user", user.Id.ToString(),
            new AuditResource("user", user.Id.ToString(), user.UserName),
            new Dictionary<string, object?> { ["client_id"] = client.ClientId, ["grant_type"] = Password, ["scope"] = Scopes.Format(scopes) });
        return await IssueAsync(client, user, roles.ToArray(), scopes, familyId: null, parentId: null, cancellationToken);
    }

    public async Task<IResult> ClientCredentialsAsync(OAuthClient client, OAuthRequest request, CancellationToken cancellationToken)
    {
        var parsed = ParseScope(request);
        if (parsed.Error is not null)
        {
            return parsed.Error;
        }
        var (scopes, error) = GrantScopes(parsed.Scopes, client.Scopes.ToHashSet(StringComparer.Ordinal), client);
        if (error is not null)
        {
            return error;
        }

        var (accessToken, expiresIn) = await issuer.CreateAccessTokenAsync(client.ClientId, client.ClientId, scopes, roles: null, cancellationToken);
        audit.Record(AuditCategories.Authentication, "token.issued", "success", "client", client.ClientId,
            details: new Dictionary<string, object?> { ["grant_type"] = ClientCredentials, ["scope"] = Scopes.Format(scopes) });
        return TokenResponse(accessToken, expiresIn, refreshToken: null, scopes);
    }

    public async Task<IResult> RefreshAsync(OAuthClient client, OAuthRequest request, CancellationToken cancellationToken)
    {
        if (request["refresh_token"] is not { } presented)
        {
            return OAuthError.InvalidRequest("The refresh_token grant needs refresh_token.");
        }
        var parsed = ParseScope(request);
        if (parsed.Error is not null)
        {
            return parsed.Error;
        }

        var hash = Secrets.Hash(presented);
        var now = time.GetUtcNow();
        var token = await db.RefreshTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (token is null || token.ClientId != client.ClientId || token.RevokedAt is not null || token.ExpiresAt <= now)
        {
            return OAuthError.InvalidGrant("The refresh token is invalid, expired or revoked.");
        }

        // Serialised per family with revocations (RevokeFamilyAsync): the child issued below is either
        // committed before a revocation starts, and revoked with the family, or sees the parent revoked.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockFamilyAsync(db, token.FamilyId, cancellationToken);
        // Claim the token atomically: of two concurrent uses only one wins; the loser is a reuse.
        var claimed = await db.RefreshTokens
            .Where(t => t.Id == token.Id && t.UsedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), cancellationToken);
        if (claimed == 0 && await db.RefreshTokens.AnyAsync(t => t.Id == token.Id && t.UsedAt == null, cancellationToken))
        {
            // Revoked while this request waited for the family's lock: not a reuse.
            return OAuthError.InvalidGrant("The refresh token is invalid, expired or revoked.");
        }
        if (claimed == 0)
        {
            await RevokeFamilyAsync(db, token.FamilyId, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            audit.Record(AuditCategories.Authentication, "token.refresh_reused", "failure", "client", client.ClientId,
                new AuditResource("refresh_token_family", token.FamilyId.ToString()),
                new Dictionary<string, object?> { ["user_id"] = token.UserId.ToString() }, level: "warning");
            return OAuthError.InvalidGrant("The refresh token was already used; its whole family is revoked.");
        }

        var user = await users.FindByIdAsync(token.UserId.ToString());
        // A lockout after failed logins does not end existing sessions (anyone can cause one); a disabled account does.
        if (user is null || UserStatus.IsDisabled(user))
        {
            return OAuthError.InvalidGrant("The user of this refresh token can no longer sign in.");
        }
        var roles = await users.GetRolesAsync(user);
        var original = token.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        if (parsed.Scopes is { } requested && !requested.All(original.Contains))
        {
            return OAuthError.InvalidScope("A refresh may only narrow the scope of the original grant.");
        }
        // Roles may have shrunk since the grant.
        var scopes = (parsed.Scopes ?? original.ToArray()).Where(Scopes.ForRoles(roles).Contains).ToArray();

        var response = await IssueAsync(client, user, roles.ToArray(), scopes, token.FamilyId, token.Id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        audit.Record(AuditCategories.Authentication, "token.issued", "success", "user", user.Id.ToString(),
            details: new Dictionary<string, object?> { ["client_id"] = client.ClientId, ["grant_type"] = RefreshTokenGrant, ["scope"] = Scopes.Format(scopes) });
        return response;
    }

    /// <summary>Revokes a family under its lock, in the current transaction or in one of its own.</summary>
    internal static async Task<int> RevokeFamilyAsync(AuthDbContext db, Guid familyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            await LockFamilyAsync(db, familyId, cancellationToken);
            var revoked = await db.RefreshTokens.Where(t => t.FamilyId == familyId && t.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken);
            }
            return revoked;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    /// <summary>Takes the family's transaction-scoped advisory lock; needs a transaction.</summary>
    internal static Task LockFamilyAsync(AuthDbContext db, Guid familyId, CancellationToken cancellationToken) =>
        LockAsync(db, FamilyLockClass, familyId, cancellationToken);

    private static Task LockAsync(AuthDbContext db, int lockClass, Guid id, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("An advisory transaction lock needs a transaction.");
        }
        return db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({lockClass}, hashtext({id.ToString()}))", cancellationToken);
    }

    private async Task<IResult> IssueAsync(
        OAuthClient client, FleetUser user, string[] roles, string[] scopes, Guid? familyId, Guid? parentId, CancellationToken cancellationToken)
    {
        var (accessToken, expiresIn) = await issuer.CreateAccessTokenAsync(user.Id.ToString(), client.ClientId, scopes, roles, cancellationToken);
        string? refreshToken = null;
        if (client.GrantTypes.Contains(RefreshTokenGrant))
        {
            refreshToken = Secrets.NewSecret();
            var now = time.GetUtcNow();
            db.RefreshTokens.Add(new RefreshToken
            {
                Id = Guid.CreateVersion7(),
                TokenHash = Secrets.Hash(refreshToken),
                FamilyId = familyId ?? Guid.CreateVersion7(),
                ParentId = parentId,
                ClientId = client.ClientId,
                UserId = user.Id,
                Scope = Scopes.Format(scopes),
                CreatedAt = now,
                ExpiresAt = now + options.Value.RefreshTokenLifetime,
            });
            await db.SaveChangesAsync(cancellationToken);
        }
        return TokenResponse(accessToken, expiresIn, refreshToken, scopes);
    }

    private static OAuthJson TokenResponse(string accessToken, int expiresIn, string? refreshToken, string[] scopes)
    {
        var body = new Dictionary<string, object?>
        {
            ["access_token"] = accessToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = expiresIn,
        };
        if (refreshToken is not null)
        {
            body["refresh_token"] = refreshToken;
        }
        body["scope"] = Scopes.Format(scopes);
        return new OAuthJson(body);
    }

    private static (string[]? Scopes, OAuthError? Error) ParseScope(OAuthRequest request)
    {
        if (request["scope"] is not { } scope)
        {
            return (null, null);
        }
        return Scopes.Parse(scope) is { } scopes
            ? (scopes, null)
            : (null, OAuthError.InvalidScope("The scope names an unknown scope."));
    }

    /// <summary>Requested scopes must all be allowed (by the user's roles or the client's grant) and by the client; none requested means all of them.</summary>
    private static (string[] Scopes, OAuthError? Error) GrantScopes(string[]? requested, HashSet<string> allowed, OAuthClient client)
    {
        allowed.IntersectWith(client.Scopes);
        if (requested is null)
        {
            return (allowed.ToArray(), null);
        }
        var beyond = requested.Where(s => !allowed.Contains(s)).ToArray();
        return beyond.Length == 0
            ? (requested, null)
            : ([], OAuthError.InvalidScope($"Not allowed here: {string.Join(' ', beyond)}."));
    }

    private void LoginFailed(string actorId, OAuthClient client, string reason) =>
        audit.Record(AuditCategories.Authentication, "user.login", "failure", "user", actorId,
            details: new Dictionary<string, object?> { ["client_id"] = client.ClientId, ["reason"] = reason }, level: "warning");
}
