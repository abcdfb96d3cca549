using System.Security.Claims;

namespace Fleet.ServiceDefaults.Authentication;

/// <summary>
/// The claims of a Fleet principal, the same whether it came from an access token or an API key: names as in
/// the token (RFC 9068), not mapped to the long WS-* URIs.
/// </summary>
public static class FleetClaims
{
    public const string Subject = "sub";
    public const string ClientId = "client_id";

    /// <summary>Space-separated scopes, as in the token.</summary>
    public const string Scope = "scope";

    /// <summary>One claim per role (<c>user</c>, <c>admin</c>); <see cref="ClaimsPrincipal.IsInRole"/> reads these.</summary>
    public const string Roles = "roles";

    /// <summary>The scopes the caller holds, from every <c>scope</c> claim split on spaces.</summary>
    public static IEnumerable<string> GetScopes(this ClaimsPrincipal principal) =>
        principal.FindAll(Scope).SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    public static bool HasScope(this ClaimsPrincipal principal, string scope)
    {
        foreach (var claim in principal.FindAll(Scope))
        {
            foreach (var range in claim.Value.AsSpan().Split(' '))
            {
                if (claim.Value.AsSpan()[range].SequenceEqual(scope))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Who is calling, for rate limits and logs: the <c>client_id</c> claim, else <c>sub</c>.</summary>
    public static string? GetClientId(this ClaimsPrincipal principal) =>
        principal.FindFirst(ClientId)?.Value is { Length: > 0 } clientId ? clientId : principal.FindFirst(Subject)?.Value;
}
