using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.AuthServiceTests.Support;

namespace Fleet.AuthServiceTests;

[Collection(AuthCollection.Name)]
public sealed class RefreshTokenTests(AuthFixture auth)
{
    private Task<HttpResponseMessage> Refresh(string refreshToken, string? scope = null)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "refresh_token"), new("refresh_token", refreshToken) };
        if (scope is not null)
        {
            form.Add(new("scope", scope));
        }
        return auth.PostFormAsync("/auth/connect/token", form, AuthFixture.Basic("fleet-cli", AuthFixture.CliSecret));
    }

    private async Task<string> LoginAsync()
    {
        var (userName, password, _) = await auth.NewVerifiedUserAsync();
        return (await auth.PasswordTokenAsync(userName, password)).GetProperty("refresh_token").GetString()!;
    }

    [Fact]
    public async Task A_refresh_rotates_the_refresh_token_and_may_narrow_the_scope()
    {
        var first = await LoginAsync();

        var response = await Refresh(first, "rides:read");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("scope").GetString().Should().Be("rides:read");
        var second = body.GetProperty("refresh_token").GetString();
        second.Should().NotBe(first);

        (await Refresh(second!, "rides:read files:read")).StatusCode.Should().Be(HttpStatusCode.BadRequest, "a refresh cannot widen the scope");
    }

    [Fact]
    public async Task Reusing_a_refresh_token_revokes_its_whole_family()
    {
        var first = await LoginAsync();
        var second = (await (await Refresh(first)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refresh_token").GetString()!;

        var reuse = await Refresh(first);
        reuse.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await reuse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString().Should().Be("invalid_grant");

        var newer = await Refresh(second);
        newer.StatusCode.Should().Be(HttpStatusCode.BadRequest, "the newer token belongs to the revoked family");
        (await newer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString().Should().Be("invalid_grant");
    }

    [Fact]
    public async Task A_refresh_token_of_another_client_is_invalid_grant()
    {
        var token = await LoginAsync();
        var response = await auth.PostFormAsync("/auth/connect/token", [new("grant_type", "refresh_token"), new("refresh_token", token)],
            AuthFixture.Basic("xrides", AuthFixture.XridesSecret));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest); // unauthorized_client: xrides has no refresh grant
    }

    [Fact]
    public async Task Revocation_ends_the_refresh_token_and_unknown_tokens_still_get_200()
    {
        var token = await LoginAsync();

        var revoke = await auth.PostFormAsync("/auth/connect/revoke", [new("token", token), new("token_type_hint", "refresh_token")],
            AuthFixture.Basic("fleet-cli", AuthFixture.CliSecret));
        revoke.StatusCode.Should().Be(HttpStatusCode.OK);
        (await Refresh(token)).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var unknown = await auth.PostFormAsync("/auth/connect/revoke", [new("token", "no-such-token")], AuthFixture.Basic("fleet-cli", AuthFixture.CliSecret));
        unknown.StatusCode.Should().Be(HttpStatusCode.OK);

        var unauthenticated = await auth.PostFormAsync("/auth/connect/revoke", [new("token", token)]);
        unauthenticated.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
