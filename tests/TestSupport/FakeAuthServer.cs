using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fleet.Testing;

/// <summary>
/// Stands in for AuthService on a real Kestrel socket: serves a JWKS of the keys it signs with and an RFC 7662
/// introspection endpoint, and counts the calls to each.
/// </summary>
public sealed class FakeAuthServer : IAsyncDisposable
{
    public const string Issuer = "http://127.0.0.1:8080/auth";
    public const string Audience = "fleet";
    public const string IntrospectingClient = "audit";
    public const string IntrospectingSecret = "s3cret with space";

    private readonly WebApplication _app;
    private readonly List<SigningKey> _published = [];
    private int _jwksRequests;
    private int _introspectionRequests;

    private FakeAuthServer(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public int JwksRequests => Volatile.Read(ref _jwksRequests);

    public int IntrospectionRequests => Volatile.Read(ref _introspectionRequests);

    /// <summary>API key → introspection answer (JSON). Keys not listed are inactive.</summary>
    public ConcurrentDictionary<string, object> ApiKeys { get; } = new();

    public static async Task<FakeAuthServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeAuthServer? server = null;
        app.MapGet("/auth/.well-known/jwks.json", () =>
        {
            Interlocked.Increment(ref server!._jwksRequests);
            lock (server._published)
            {
                return Results.Json(new { keys = server._published.Select(key => key.PublicJwk).ToArray() });
            }
        });
        app.MapPost("/auth/connect/introspect", async (HttpContext context) =>
        {
            Interlocked.Increment(ref server!._introspectionRequests);
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(
                $"{Uri.EscapeDataString(IntrospectingClient)}:{Uri.EscapeDataString(IntrospectingSecret)}"));
            if (context.Request.Headers.Authorization != expected)
            {
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            }

            var form = await context.Request.ReadFormAsync();
            if (form["token_type_hint"] != "api_key")
            {
                return Results.BadRequest();
            }

            return server.ApiKeys.TryGetValue(form["token"].ToString(), out var answer)
                ? Results.Json(answer)
                : Results.Json(new { active = false });
        });
        await app.StartAsync();
        server = new FakeAuthServer(app, app.Urls.Single());
        return server;
    }

    /// <summary>A new ES256 key; published in the JWKS unless told otherwise.</summary>
    public SigningKey NewKey(bool publish = true)
    {
        var key = SigningKey.Create();
        if (publish)
        {
            Publish(key);
        }

        return key;
    }

    public void Publish(SigningKey key)
    {
        lock (_published)
        {
            _published.Add(key);
        }
    }

    public void Unpublish(SigningKey key)
    {
        lock (_published)
        {
            _published.Remove(key);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed class SigningKey
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private SigningKey(ECDsa ecdsa, string kid)
    {
        Kid = kid;
        PrivateKey = new ECDsaSecurityKey(ecdsa) { KeyId = kid };
        using var publicOnly = ECDsa.Create(ecdsa.ExportParameters(includePrivateParameters: false));
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(publicOnly) { KeyId = kid });
        PublicJwk = new Dictionary<string, string>
        {
            ["kty"] = jwk.Kty, ["crv"] = jwk.Crv, ["x"] = jwk.X, ["y"] = jwk.Y, ["kid"] = kid, ["use"] = "sig", ["alg"] = "ES256",
        };
    }

    public string Kid { get; }

    public ECDsaSecurityKey PrivateKey { get; }

    public IReadOnlyDictionary<string, string> PublicJwk { get; }

    public static SigningKey Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), $"k{Guid.NewGuid():N}"[..13]);

    /// <summary>An access token as AuthService issues it, with whatever the test overrides.</summary>
    public string CreateToken(
        string? scope = "rides:write rides:read",
        string subject = "xrides",
        string issuer = FakeAuthServer.Issuer,
        string audience = FakeAuthServer.Audience,
        DateTime? expires = null,
        string[]? roles = null,
        string typ = "at+jwt")
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["client_id"] = subject,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (scope is not null)
        {
            claims["scope"] = scope;
        }

        if (roles is not null)
        {
            claims["roles"] = roles;
        }

        var expiry = expires ?? now.AddMinutes(10);
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expiry.AddMinutes(-10),
            NotBefore = expiry.AddMinutes(-10),
            Expires = expiry,
            Claims = claims,
            TokenType = typ,
            SigningCredentials = new SigningCredentials(PrivateKey, SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>The classic key-confusion attack: HS256 with the public key (its JWK JSON) as the HMAC secret.</summary>
    public string CreateHs256TokenWithPublicKeyAsSecret()
    {
        var secret = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(PublicJwk));
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = FakeAuthServer.Issuer,
            Audience = FakeAuthServer.Audience,
            IssuedAt = DateTime.UtcNow,
            NotBefore = DateTime.UtcNow,
            Expires = DateTime.UtcNow.AddMinutes(10),
            Claims = new Dictionary<string, object> { ["sub"] = "mallory", ["scope"] = "rides:write admin" },
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(secret) { KeyId = Kid }, SecurityAlgorithms.HmacSha256),
        });
    }
}
