using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fleet.Gateway.Tests.Infrastructure;

/// <summary>Signs access tokens as AuthService does (ES256, <c>typ: at+jwt</c>) and publishes the key as a JWKS.</summary>
public sealed class TestTokens
{
    public const string Issuer = "http://127.0.0.1:8080/auth";

    private static readonly JsonWebTokenHandler Handler = new();

    private readonly ECDsaSecurityKey _key;
    private readonly object _jwks;

    public TestTokens()
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _key = new ECDsaSecurityKey(ecdsa) { KeyId = "gateway-test-key" };
        var p = ecdsa.ExportParameters(includePrivateParameters: false);
        _jwks = new
        {
            keys = new[]
            {
                new { kty = "EC", crv = "P-256", x = Base64UrlEncoder.Encode(p.Q.X), y = Base64UrlEncoder.Encode(p.Q.Y), kid = _key.KeyId, use = "sig", alg = "ES256" },
            },
        };
    }

    /// <summary>What the gateway needs to validate these tokens.</summary>
    public static Dictionary<string, string?> GatewaySettings(IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["Auth:Issuer"] = Issuer };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    public string Create(string clientId, string scope = "rides:write rides:read") =>
        Create(new Dictionary<string, object> { ["sub"] = clientId, ["client_id"] = clientId, ["scope"] = scope });

    /// <summary>A user's token, as a password grant through <paramref name="clientId"/> gives it: with roles.</summary>
    public string CreateForUser(string clientId, string userId, string scope = "rides:write rides:read") =>
        Create(new Dictionary<string, object> { ["sub"] = userId, ["client_id"] = clientId, ["scope"] = scope, ["roles"] = new[] { "user" } });

    private string Create(Dictionary<string, object> claims) => Handler.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = "fleet",
        Expires = DateTime.UtcNow.AddMinutes(10),
        TokenType = "at+jwt",
        Claims = claims,
        SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.EcdsaSha256),
    });

    /// <summary>Serves the JWKS where services look for it; add it to a stand-in AuthService.</summary>
    public void MapJwks(WebApplication app) => app.MapGet("/auth/.well-known/jwks.json", () => Results.Json(_jwks));
}
