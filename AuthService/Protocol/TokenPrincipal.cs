using OpenIddict.Abstractions;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Fleet.AuthService.Protocol;

/// <summary>
/// What an access token says (docs/auth-contract.md): <c>sub</c>, <c>scope</c>, <c>aud</c>, and <c>roles</c> for a
/// user. Every claim goes into the access token only; OpenIddict adds <c>client_id</c>, <c>jti</c> and the times.
/// </summary>
public static class TokenPrincipal
{
    public const string RolesClaim = "roles";

    public static ClaimsPrincipal ForUser(Guid userId, IEnumerable<string> roles, IEnumerable<string> scopes, string audience) =>
        Create(userId.ToString(), [.. roles], scopes, audience);

    public static ClaimsPrincipal ForClient(string clientId, IEnumerable<string> scopes, string audience) =>
        Create(clientId, null, scopes, audience);

    private static ClaimsPrincipal Create(string subject, string[]? roles, IEnumerable<string> scopes, string audience)
    {
        var identity = new ClaimsIdentity("fleet", Claims.Subject, RolesClaim);
        identity.SetClaim(Claims.Subject, subject);
        if (roles is not null)
        {
            // An array even of one role, as the contract says.
            identity.AddClaim(new Claim(RolesClaim, JsonSerializer.Serialize(roles), JsonClaimValueTypes.JsonArray));
        }
        identity.SetScopes(RoleScopes.Format(scopes).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        identity.SetResources(audience);
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        return new ClaimsPrincipal(identity);
    }
}
