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
/// Stands in for AuthService on a real Kestrel socket: serves a JWKS of the keys it signs with, an RFC 7662
/// introspection endpoint and a client credentials grant for its one client, and counts the calls to each.
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
    private int _tokenRequests;

    private FakeAuthServer(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public int JwksRequests => Volatile.Read(ref _jwksRequests);

    public int IntrospectionRequests => Volatile.Read(ref _introspectionRequests);

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    /// <summary>What the client credentials grant signs with; unset, it answers <c>invalid_client</c>.</summary>
    public SigningKey? TokenKey { get; set; }

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The scopes <see cref="IntrospectingClient"/> may ask a token for.</summary>
    public HashSet<string> ClientScopes { get; } = [];

    /// <summary>Every token the grant issued, newest last.</summary>
    public ConcurrentQueue<string> IssuedTokens { get; } = new();

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
        app.MapPost("/auth/connect/token", async (HttpContext context) =>
        {
            Interlocked.Increment(ref server!._tokenRequests);
            var form = await context.Request.ReadFormAsync();
            if (server.TokenKey is not { } key || !IsClient(context.Request.Headers.Authorization.ToString()))
            {
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            }

            var scope = form["scope"].ToString();
            if (form["grant_type"] != "client_credentials" || !scope.Split(' ').All(server.ClientScopes.Contains))
            {
                return Results.Json(new { error = "invalid_scope", error_description = $"'{scope}' is not allowed" }, statusCode: 400);
            }

            var token = key.CreateToken(scope, IntrospectingClient, expires: DateTime.UtcNow + server.TokenLifetime);
            server.IssuedTokens.Enqueue(token);
            return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = (int)server.TokenLifetime.TotalSeconds, scope });
        });
        await app.StartAsync();
        server = new FakeAuthServer(app, app.Urls.Single());
        return server;
    }

    /// <summary>HTTP Basic with the client's id and secret, each form-encoded first (RFC 6749 2.3.1).</summary>
    private static bool IsClient(string authorization)
    {
        if (!authorization.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return false;
        }

        var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..])).Split(':', 2);
        static string Decode(string part) => Uri.UnescapeDataString(part.Replace('+', ' '));
        return pair.Length == 2 && Decode(pair[0]) == IntrospectingClient && Decode(pair[1]) == IntrospectingSecret;
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
