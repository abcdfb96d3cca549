using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

// Signs access tokens the way AuthService does (ES256, typ at+jwt, audience "fleet") and publishes the key
// where the gateway looks for it, so bench/gateway/run.sh can measure the gateway's token check.
// GET /bench/tokens?count=n gives n distinct tokens of one client, one a line.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var issuer = builder.Configuration["Issuer"] ?? "http://127.0.0.1:8080/auth";
var key = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "bench" };
var handler = new JsonWebTokenHandler();

var app = builder.Build();
app.MapGet("/auth/.well-known/jwks.json", () =>
{
    var point = key.ECDsa.ExportParameters(includePrivateParameters: false).Q;
    var jwk = new Dictionary<string, string>
    {
        ["kty"] = "EC", ["crv"] = "P-256", ["use"] = "sig", ["alg"] = "ES256", ["kid"] = key.KeyId,
        ["x"] = Base64UrlEncoder.Encode(point.X), ["y"] = Base64UrlEncoder.Encode(point.Y),
    };
    return Results.Json(new Dictionary<string, object> { ["keys"] = new[] { jwk } });
});
app.MapGet("/bench/tokens", (int count) => string.Join('\n', Enumerable.Range(0, count).Select(_ => handler.CreateToken(new SecurityTokenDescriptor
{
    Issuer = issuer,
    Audience = "fleet",
    Expires = DateTime.UtcNow.AddHours(2),
    TokenType = "at+jwt",
    Claims = new Dictionary<string, object>
    {
        ["sub"] = "bench", ["client_id"] = "bench", ["scope"] = "rides:read", ["jti"] = Guid.NewGuid().ToString("N"),
    },
    SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
}))));
app.Run();
