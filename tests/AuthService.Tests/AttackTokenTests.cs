using System.Net;
using System.Security.Cryptography;
using System.Text;
using Fleet.AuthService.Keys;
using Fleet.AuthServiceTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fleet.AuthServiceTests;

/// <summary>Forged and broken tokens against /auth/me: each must be a 401 with a Bearer invalid_token challenge.</summary>
[Collection(AuthCollection.Name)]
public sealed class AttackTokenTests(AuthFixture auth)
{
    private async Task<string> SignAsync(Action<SecurityTokenDescriptor> change)
    {
        var credentials = await auth.Factory.Services.GetRequiredService<SigningKeyStore>().GetSigningCredentialsAsync();
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = AuthFixture.Issuer,
            Audience = "fleet",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            TokenType = "at+jwt",
            Claims = new Dictionary<string, object> { ["sub"] = "attacker", ["client_id"] = "xrides", ["scope"] = "admin", ["jti"] = "1" },
            SigningCredentials = credentials,
        };
        change(descriptor);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private static string B64(string json) => Base64UrlEncoder.Encode(json);

    private static string Payload() =>
        B64($$"""{"iss":"{{AuthFixture.Issuer}}","aud":"fleet","sub":"attacker","client_id":"xrides","scope":"admin","roles":["admin"],"jti":"x","iat":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}},"nbf":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}},"exp":{{DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds()}}}""");

    private async Task ExpectRejected(string token)
    {
        var response = await auth.BearerClient(token).GetAsync("/auth/me");
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().Contain("error=\"invalid_token\"");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task A_correctly_signed_token_is_accepted() =>
        (await auth.BearerClient(await SignAsync(_ => { })).GetAsync("/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);

    [Fact]
    public async Task Expired() => await ExpectRejected(await SignAsync(d =>
    {
        d.IssuedAt = d.NotBefore = DateTime.UtcNow.AddMinutes(-30);
        d.Expires = DateTime.UtcNow.AddMinutes(-20);
    }));

    [Fact]
    public async Task Wrong_issuer() => await ExpectRejected(await SignAsync(d => d.Issuer = "http://evil.example/auth"));

    [Fact]
    public async Task Wrong_audience() => await ExpectRejected(await SignAsync(d => d.Audience = "someone-else"));

    [Fact]
    public async Task Wrong_type() => await ExpectRejected(await SignAsync(d => d.TokenType = "JWT"));

    [Fact]
    public async Task Tampered_payload()
    {
        var parts = (await SignAsync(d => d.Claims["scope"] = "rides:read")).Split('.');
        await ExpectRejected($"{parts[0]}.{Payload()}.{parts[2]}");
    }

    [Fact]
    public async Task Alg_none() => await ExpectRejected($"{B64("""{"alg":"none","typ":"at+jwt"}""")}.{Payload()}.");

    [Fact]
    public async Task Hs256_signed_with_the_public_key_as_secret()
    {
        var jwks = await auth.CreateClient().GetStringAsync("/auth/.well-known/jwks.json");
        var key = new JsonWebKeySet(jwks).Keys[0];
        var unsigned = $"{B64($$"""{"alg":"HS256","typ":"at+jwt","kid":"{{key.Kid}}"}""")}.{Payload()}";
        foreach (var secret in new[] { Encoding.UTF8.GetBytes(jwks), Base64UrlEncoder.DecodeBytes(key.X).Concat(Base64UrlEncoder.DecodeBytes(key.Y)).ToArray() })
        {
            var signature = Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(unsigned)));
            await ExpectRejected($"{unsigned}.{signature}");
        }
    }

    [Fact]
    public async Task Signed_by_an_unknown_key()
    {
        using var foreign = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await ExpectRejected(await SignAsync(d => d.SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(foreign) { KeyId = "foreign" }, "ES256")));
    }

    [Fact]
    public async Task Garbage() => await ExpectRejected("not.a.jwt");
}
