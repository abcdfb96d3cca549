using System.Buffers.Text;
using Fleet.AuthService.Keys;
using Fleet.AuthService.Tokens;
using Microsoft.Extensions.Options;

namespace Fleet.AuthService.Discovery;

/// <summary>JWKS (RFC 7517) and the authorization server metadata (RFC 8414 / OpenID discovery), anonymous.</summary>
public static class DiscoveryEndpoints
{
    public static IEndpointRouteBuilder MapDiscoveryEndpoints(this IEndpointRouteBuilder routes)
    {
        var wellKnown = routes.MapGroup("/auth/.well-known").WithTags("Discovery");
        wellKnown.MapGet("/jwks.json", Jwks).AllowAnonymous();
        wellKnown.MapGet("/openid-configuration", Configuration).AllowAnonymous();
        return routes;
    }

    private static async Task<IResult> Jwks(HttpContext context, SigningKeyStore store, CancellationToken cancellationToken)
    {
        var keys = await store.GetPublishedKeysAsync(cancellationToken);
        // Short enough that a verifier sees a new key soon; verifiers also refetch on an unknown kid.
        context.Response.Headers.CacheControl = "public, max-age=300";
        return Results.Json(new
        {
            keys = keys.Select(k => new Dictionary<string, string>
            {
                ["kty"] = "EC",
                ["crv"] = "P-256",
                ["x"] = Base64Url.EncodeToString(k.PublicKey.Q.X),
                ["y"] = Base64Url.EncodeToString(k.PublicKey.Q.Y),
                ["kid"] = k.Kid,
                ["use"] = "sig",
                ["alg"] = SigningKeyStore.Algorithm,
            }),
        }, contentType: "application/jwk-set+json");
    }

    private static IResult Configuration(HttpContext context, IOptions<AuthOptions> options)
    {
        var auth = options.Value;
        string[] clientAuth = ["client_secret_basic", "client_secret_post"];
        context.Response.Headers.CacheControl = "public, max-age=300";
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = auth.Issuer,
            ["token_endpoint"] = auth.IssuerUrl("connect/token"),
            ["jwks_uri"] = auth.IssuerUrl(".well-known/jwks.json"),
            ["revocation_endpoint"] = auth.IssuerUrl("connect/revoke"),
            ["introspection_endpoint"] = auth.IssuerUrl("connect/introspect"),
            ["grant_types_supported"] = TokenGrants.Supported,
            ["scopes_supported"] = Scopes.All,
            ["token_endpoint_auth_methods_supported"] = clientAuth,
            ["revocation_endpoint_auth_methods_supported"] = clientAuth,
            ["introspection_endpoint_auth_methods_supported"] = clientAuth,
            ["response_types_supported"] = Array.Empty<string>(),
        });
    }
}
