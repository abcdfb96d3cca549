using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.AuthServiceTests.Support;

namespace Fleet.AuthServiceTests;

[Collection(AuthCollection.Name)]
public sealed class ApiKeyTests(AuthFixture auth)
{
    private async Task<HttpClient> UserClientAsync()
    {
        var (userName, password, _) = await auth.NewVerifiedUserAsync();
        return auth.BearerClient((await auth.PasswordTokenAsync(userName, password)).GetProperty("access_token").GetString()!);
    }

    private Task<HttpResponseMessage> IntrospectAsync(string token, string clientId = "audit", string secret = AuthFixture.AuditSecret, string? hint = "api_key") =>
        auth.PostFormAsync("/auth/connect/introspect",
            hint is null ? [new("token", token)] : [new("token", token), new("token_type_hint", hint)], AuthFixture.Basic(clientId, secret));

    private async Task<JsonElement> IntrospectOkAsync(string token, string? hint = "api_key")
    {
        var response = await IntrospectAsync(token, hint: hint);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Create_list_introspect_and_revoke_a_key()
    {
        var user = await UserClientAsync();
        var me = await user.GetFromJsonAsync<JsonElement>("/auth/me");

        var created = await user.PostAsJsonAsync("/auth/keys", new { name = "uploader", scopes = new[] { "audit:write" } });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var key = body.GetProperty("key").GetString()!;
        var id = body.GetProperty("id").GetString()!;
        key.Should().MatchRegex("^fk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$").And.StartWith($"fk_{id}_");

        var list = await user.GetFromJsonAsync<JsonElement>("/auth/keys");
        list.GetArrayLength().Should().Be(1);
        list[0].GetProperty("id").GetString().Should().Be(id);
        list[0].TryGetProperty("key", out _).Should().BeFalse();

        var active = await IntrospectOkAsync(key);
        active.GetProperty("active").GetBoolean().Should().BeTrue();
        active.GetProperty("sub").GetString().Should().Be(me.GetProperty("id").GetString());
        active.GetProperty("scope").GetString().Should().Be("audit:write");
        active.TryGetProperty("client_id", out _).Should().BeFalse("a key belongs to no client");
        active.GetProperty("token_type").GetString().Should().Be("api_key");
        active.TryGetProperty("exp", out _).Should().BeFalse();

        (await user.DeleteAsync($"/auth/keys/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await IntrospectOkAsync(key)).EnumerateObject().Select(p => p.Name + "=" + p.Value).Should().Equal("active=False");
        (await user.DeleteAsync($"/auth/keys/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_expiring_key_reports_exp_and_unknown_or_forged_keys_are_inactive()
    {
        var user = await UserClientAsync();
        var expiresAt = DateTimeOffset.UtcNow.AddDays(1);
        var body = await (await user.PostAsJsonAsync("/auth/keys", new { name = "temp", scopes = new[] { "rides:read" }, expiresAt })).Content.ReadFromJsonAsync<JsonElement>();
        var key = body.GetProperty("key").GetString()!;

        (await IntrospectOkAsync(key)).GetProperty("exp").GetInt64().Should().Be(expiresAt.ToUnixTimeSeconds());
        (await IntrospectOkAsync(key[..^4] + "AAAA")).GetProperty("active").GetBoolean().Should().BeFalse();
        (await IntrospectOkAsync("fk_aaaaaaaaaaaa_nothing")).GetProperty("active").GetBoolean().Should().BeFalse();
        (await IntrospectOkAsync("garbage")).GetProperty("active").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task Keys_may_hold_only_scopes_of_the_token_and_other_users_keys_are_invisible()
    {
        var alice = await UserClientAsync();
        var bob = await UserClientAsync();

        (await alice.PostAsJsonAsync("/auth/keys", new { name = "too much", scopes = new[] { "admin" } })).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var created = await (await alice.PostAsJsonAsync("/auth/keys", new { name = "alice's", scopes = new[] { "files:read" } })).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetString();

        (await bob.GetFromJsonAsync<JsonElement>("/auth/keys")).GetArrayLength().Should().Be(0);
        (await bob.DeleteAsync($"/auth/keys/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await alice.GetFromJsonAsync<JsonElement>("/auth/keys")).GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task Machine_clients_cannot_make_keys()
    {
        var machine = auth.BearerClient((await auth.ClientTokenAsync()).GetProperty("access_token").GetString()!);
        var response = await machine.PostAsJsonAsync("/auth/keys", new { name = "x", scopes = new[] { "rides:read" } });
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Headers.WwwAuthenticate.ToString().Should().Contain("insufficient_scope");
    }

    [Fact]
    public async Task Introspection_needs_an_authenticated_client_with_the_introspect_flag()
    {
        (await IntrospectAsync("fk_aaaaaaaaaaaa_x", "audit", "wrong")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await auth.PostFormAsync("/auth/connect/introspect", [new("token", "x")])).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        var forbidden = await IntrospectAsync("fk_aaaaaaaaaaaa_x", "xrides", AuthFixture.XridesSecret);
        // 400 with unauthorized_client, as RFC 6749 §5.2 has it; the hand-written server answered 403.
        forbidden.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await forbidden.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString().Should().Be("unauthorized_client");
    }

    [Fact]
    public async Task Access_and_refresh_tokens_can_be_introspected_too()
    {
        var (userName, password, id) = await auth.NewVerifiedUserAsync();
        var tokens = await auth.PasswordTokenAsync(userName, password, "files:read");

        var access = await IntrospectOkAsync(tokens.GetProperty("access_token").GetString()!, hint: null);
        access.GetProperty("active").GetBoolean().Should().BeTrue();
        access.GetProperty("sub").GetString().Should().Be(id);
        access.GetProperty("scope").GetString().Should().Be("files:read");
        // RFC 7662 §2.2: token_type is the type of RFC 6749 §7.1, Bearer; the hand-written server said access_token.
        access.GetProperty("token_type").GetString().Should().Be("Bearer");

        var refresh = await IntrospectOkAsync(tokens.GetProperty("refresh_token").GetString()!, hint: "refresh_token");
        refresh.GetProperty("active").GetBoolean().Should().BeTrue();
        refresh.GetProperty("client_id").GetString().Should().Be("fleet-cli");
    }

    [Fact]
    public async Task Under_the_api_key_hint_access_and_refresh_tokens_are_inactive()
    {
        var (userName, password, _) = await auth.NewVerifiedUserAsync();
        var tokens = await auth.PasswordTokenAsync(userName, password, "files:read");

        foreach (var token in new[] { tokens.GetProperty("access_token").GetString()!, tokens.GetProperty("refresh_token").GetString()! })
        {
            (await IntrospectOkAsync(token, hint: "api_key")).EnumerateObject().Select(p => p.Name + "=" + p.Value).Should().Equal("active=False");
            (await IntrospectOkAsync(token, hint: null)).GetProperty("active").GetBoolean().Should().BeTrue("without the hint it is still answered");
        }
    }
}
