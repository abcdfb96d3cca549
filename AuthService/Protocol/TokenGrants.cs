using System.Security.Claims;
using Fleet.AuthService.Audit;
using Fleet.AuthService.Users;
using Fleet.ServiceDefaults.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Fleet.AuthService.Protocol;

/// <summary>
/// Who gets which token, once OpenIddict has authenticated the client and checked the request: the password, client
/// credentials, refresh token and authorization code grants. A user holds the scopes their roles allow, a client those
/// it was given; both within what the client may ask for.
/// </summary>
public sealed class TokenGrants(
    PasswordSignIn passwords,
    UserManager<FleetUser> users,
    IOpenIddictApplicationManager applications,
    AuditLog audit,
    IOptions<AuthOptions> options)
{
    public async Task<IResult> PasswordAsync(HttpContext context, OpenIddictRequest request, CancellationToken cancellationToken)
    {
        var clientId = request.ClientId!;
        var check = await passwords.CheckAsync(request.Username!, request.Password!, clientId, context.Connection.RemoteIpAddress);
        if (check.User is not { } user)
        {
            return Refuse(Errors.InvalidGrant, check.Message);
        }
        var roles = await users.GetRolesAsync(user);
        var (scopes, error) = await GrantScopesAsync(request.GetScopes(), RoleScopes.ForRoles(roles), clientId, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        audit.Record(AuditCategories.Authentication, "user.login", "success", "user", user.Id.ToString(),
            new AuditResource("user", user.Id.ToString(), user.UserName), Details(clientId, GrantTypes.Password, scopes));
        return SignIn(TokenPrincipal.ForUser(user.Id, roles, scopes, options.Value.Audience));
    }

    public async Task<IResult> ClientCredentialsAsync(OpenIddictRequest request, CancellationToken cancellationToken)
    {
        var clientId = request.ClientId!;
        var (scopes, error) = await GrantScopesAsync(request.GetScopes(), [.. RoleScopes.All], clientId, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        audit.Record(AuditCategories.Authentication, "token.issued", "success", "client", clientId,
            details: Details(clientId, GrantTypes.ClientCredentials, scopes));
        return SignIn(TokenPrincipal.ForClient(clientId, scopes, options.Value.Audience));
    }

    /// <summary>The authorization endpoint, for a user signed in on the sign-in page: a code for the scopes they may hold.</summary>
    public async Task<IResult> AuthorizeAsync(FleetUser user, OpenIddictRequest request, CancellationToken cancellationToken)
    {
        var roles = await users.GetRolesAsync(user);
        var (scopes, error) = await GrantScopesAsync(request.GetScopes(), RoleScopes.ForRoles(roles), request.ClientId!, cancellationToken);
        return error ?? SignIn(TokenPrincipal.ForUser(user.Id, roles, scopes, options.Value.Audience));
    }

    /// <summary>
    /// A refresh token or an authorization code, which OpenIddict has validated and redeemed: tokens for its user as
    /// they are now. A disabled user gets none; a user who lost a role loses its scopes.
    /// </summary>
    public async Task<IResult> RenewAsync(HttpContext context, OpenIddictRequest request, CancellationToken cancellationToken)
    {
        var granted = (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var subject = granted?.GetClaim(Claims.Subject);
        var user = subject is null ? null : await users.FindByIdAsync(subject);
        // A lockout after failed logins does not end existing sessions (anyone can cause one); a disabled account does.
        if (granted is null || user is null || UserStatus.IsDisabled(user))
        {
            return Refuse(Errors.InvalidGrant, "The user of this grant can no longer sign in.");
        }
        var roles = await users.GetRolesAsync(user);
        // OpenIddict has refused a scope beyond the original grant; the roles may have shrunk since.
        var requested = request.GetScopes() is { Length: > 0 } narrower ? narrower : granted.GetScopes();
        var allowed = RoleScopes.ForRoles(roles);
        var (scopes, _) = await GrantScopesAsync([.. requested.Where(allowed.Contains)], allowed, request.ClientId!, cancellationToken);
        audit.Record(AuditCategories.Authentication, "token.issued", "success", "user", user.Id.ToString(),
            details: Details(request.ClientId!, request.GrantType!, scopes));
        return SignIn(TokenPrincipal.ForUser(user.Id, roles, scopes, options.Value.Audience));
    }

    /// <summary>Requested scopes must all be allowed (by the user's roles or the client's grant) and given to the client; none requested means all of them.</summary>
    private async Task<(string[] Scopes, IResult? Error)> GrantScopesAsync(
        IEnumerable<string> requested, HashSet<string> allowed, string clientId, CancellationToken cancellationToken)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken)
            ?? throw new InvalidOperationException($"OpenIddict authenticated client {clientId}, which no longer exists.");
        var permissions = await applications.GetPermissionsAsync(application, cancellationToken);
        allowed.IntersectWith(permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
            .Select(p => p[Permissions.Prefixes.Scope.Length..]));
        var asked = requested.ToArray();
        if (asked.Length == 0)
        {
            return ([.. allowed], null);
        }
        var beyond = asked.Where(s => !allowed.Contains(s)).ToArray();
        return beyond.Length == 0
            ? (asked, null)
            : ([], Refuse(Errors.InvalidScope, $"Not allowed here: {string.Join(' ', beyond)}."));
    }

    private static Dictionary<string, object?> Details(string clientId, string grantType, IEnumerable<string> scopes) =>
        new() { ["client_id"] = clientId, ["grant_type"] = grantType, ["scope"] = RoleScopes.Format(scopes) };

    private static IResult SignIn(ClaimsPrincipal principal) =>
        Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    /// <summary>An RFC 6749 §5.2 error, written by OpenIddict (JSON, <c>no-store</c>).</summary>
    public static IResult Refuse(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
