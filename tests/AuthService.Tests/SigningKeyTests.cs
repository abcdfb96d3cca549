using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.AuthService.Keys;
using Fleet.AuthServiceTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fleet.AuthServiceTests;

[Collection(AuthCollection.Name)]
public sealed class SigningKeyTests(AuthFixture auth)
{
    private async Task<JsonWebKeySet> JwksAsync()
    {
        var response = await auth.CreateClient().GetAsync("/auth/.well-known/jwks.json");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.CacheControl!.MaxAge.Should().Be(TimeSpan.FromSeconds(300));
        return new JsonWebKeySet(await response.Content.ReadAsStringAsync());
    }

    private async Task<TokenValidationResult> ValidateAsync(string token, JsonWebKeySet jwks) =>
        await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = AuthFixture.Issuer,
            ValidAudience = "fleet",
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidTypes = ["at+jwt"],
        });

    [Fact]
    public async Task Jwks_holds_only_public_p256_keys()
    {
        var json = await auth.CreateClient().GetFromJsonAsync<JsonElement>("/auth/.well-known/jwks.json");
        foreach (var key in json.GetProperty("keys").EnumerateArray())
        {
            key.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("kty", "crv", "x", "y", "kid", "use", "alg");
            key.GetProperty("kty").GetString().Should().Be("EC");
            key.GetProperty("crv").GetString().Should().Be("P-256");
            key.GetProperty("use").GetString().Should().Be("sig");
            key.GetProperty("alg").GetString().Should().Be("ES256");
        }
        json.GetProperty("keys").GetArrayLength().Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task An_access_token_validates_against_the_jwks_and_carries_the_contract_claims()
    {
        var (userName, password, id) = await auth.NewVerifiedUserAsync();
        var token = (await auth.PasswordTokenAsync(userName, password, "rides:read files:read")).GetProperty("access_token").GetString()!;

        var result = await ValidateAsync(token, await JwksAsync());

        result.IsValid.Should().BeTrue(result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        jwt.Alg.Should().Be("ES256");
        jwt.Typ.Should().Be("at+jwt");
        jwt.Kid.Should().NotBeNullOrEmpty();
        jwt.Subject.Should().Be(id);
        jwt.GetPayloadValue<string>("client_id").Should().Be("fleet-cli");
        jwt.GetPayloadValue<string>("scope").Should().Be("rides:read files:read");
        jwt.GetPayloadValue<string>("jti").Should().NotBeNullOrEmpty();
        // RFC 9068 §2.2 asks for iat and exp; OpenIddict writes no nbf, which the hand-written server did.
        foreach (var claim in new[] { "iat", "exp" })
        {
            jwt.TryGetPayloadValue<long>(claim, out _).Should().BeTrue(claim);
        }
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.EncodedPayload));
        payload.RootElement.GetProperty("roles").ValueKind.Should().Be(JsonValueKind.Array);
        payload.RootElement.GetProperty("aud").GetString().Should().Be("fleet");
        (jwt.ValidTo - jwt.IssuedAt).Should().Be(TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task Machine_tokens_have_no_roles()
    {
        var token = (await auth.ClientTokenAsync()).GetProperty("access_token").GetString()!;
        var jwt = new JsonWebToken(token);
        jwt.Subject.Should().Be("xrides");
        jwt.TryGetPayloadValue<object>("roles", out _).Should().BeFalse();
    }

    [Fact]
    public async Task After_a_rotation_old_tokens_still_validate_and_new_tokens_use_the_new_key()
    {
        var oldToken = (await auth.ClientTokenAsync()).GetProperty("access_token").GetString()!;
        var oldKid = new JsonWebToken(oldToken).Kid;

        var newKid = await auth.Factory.Services.GetRequiredService<SigningKeyRotation>().RotateIfDueAsync(force: true, CancellationToken.None);

        newKid.Should().NotBeNull().And.NotBe(oldKid);
        var newToken = (await auth.ClientTokenAsync()).GetProperty("access_token").GetString()!;
        new JsonWebToken(newToken).Kid.Should().Be(newKid);

        var jwks = await JwksAsync();
        jwks.Keys.Select(k => k.Kid).Should().Contain([oldKid, newKid!]);
        (await ValidateAsync(oldToken, jwks)).IsValid.Should().BeTrue();
        (await ValidateAsync(newToken, jwks)).IsValid.Should().BeTrue();
        (await auth.BearerClient(oldToken).GetAsync("/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await auth.BearerClient(newToken).GetAsync("/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_rotation_that_is_not_due_does_nothing()
    {
        var kid = await auth.Factory.Services.GetRequiredService<SigningKeyRotation>().RotateIfDueAsync(force: false, CancellationToken.None);
        kid.Should().BeNull();
    }
}
