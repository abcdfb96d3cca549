using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fleet.EndToEnd.Support;

namespace Fleet.EndToEnd;

/// <summary>A user's whole life with AuthService, every call through the gateway, as a standard OAuth2 client makes it.</summary>
[Collection(FleetCollection.Name)]
public sealed class UserJourneyTests(FleetSystem fleet)
{
    [Fact]
    public async Task Register_verify_log_in_refresh_create_an_api_key_and_revoke_through_the_gateway()
    {
        var gateway = fleet.Gateway;
        var cli = new ClientCredentials("fleet-cli", await fleet.SecretAsync("fleet-cli-client-secret"));
        var audit = new ClientCredentials("audit", await fleet.SecretAsync("audit-client-secret"));

        // Discovery points at the gateway's public URL.
        var discovery = await gateway.GetFromJsonAsync<JsonElement>("/auth/.well-known/openid-configuration");
        discovery.GetProperty("issuer").GetString().Should().Be($"{fleet.GatewayUrl}auth");
        discovery.GetProperty("token_endpoint").GetString().Should().EndWith("/auth/connect/token");

        // Register; until the e-mail address is verified, the password grant is refused.
        var name = $"rider{Guid.NewGuid():N}"[..16];
        using var registered = await gateway.PostAsJsonAsync("/auth/register", new { userName = name, email = $"{name}@example.test", password = "Correct-Horse-9" });
        registered.StatusCode.Should().Be(HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        var verificationKey = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("verificationKey").GetString();
        var early = await TokenAsync(gateway, cli, ("grant_type", "password"), ("username", name), ("password", "Correct-Horse-9"), ("scope", "rides:read audit:write"));
        early.Status.Should().Be(HttpStatusCode.BadRequest);
        early.Body.GetProperty("error").GetString().Should().Be("invalid_grant");

        (await gateway.PostAsJsonAsync("/auth/verify", new { key = verificationKey })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await gateway.PostAsJsonAsync("/auth/verify", new { key = verificationKey })).StatusCode.Should().Be(HttpStatusCode.BadRequest, "a verification key works once");

        // Log in, see who we are, refresh with rotation.
        var login = await TokenAsync(gateway, cli, ("grant_type", "password"), ("username", name), ("password", "Correct-Horse-9"), ("scope", "rides:read audit:write"));
        login.Status.Should().Be(HttpStatusCode.OK, login.Body.ToString());
        var accessToken = login.Body.GetProperty("access_token").GetString()!;
        var refreshToken = login.Body.GetProperty("refresh_token").GetString()!;
        using (var me = await SendAsync(gateway, HttpMethod.Get, "/auth/me", accessToken))
        {
            me.StatusCode.Should().Be(HttpStatusCode.OK);
            var body = await me.Content.ReadFromJsonAsync<JsonElement>();
            body.GetProperty("userName").GetString().Should().Be(name);
            body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()).Should().BeEquivalentTo("rides:read", "audit:write");
        }

        var refreshed = await TokenAsync(gateway, cli, ("grant_type", "refresh_token"), ("refresh_token", refreshToken));
        refreshed.Status.Should().Be(HttpStatusCode.OK);
        var reused = await TokenAsync(gateway, cli, ("grant_type", "refresh_token"), ("refresh_token", refreshToken));
        reused.Body.GetProperty("error").GetString().Should().Be("invalid_grant", "a refresh token works once");
        var afterReuse = await TokenAsync(gateway, cli, ("grant_type", "refresh_token"), ("refresh_token", refreshed.Body.GetProperty("refresh_token").GetString()!));
        afterReuse.Body.GetProperty("error").GetString().Should().Be("invalid_grant", "reusing a refresh token revokes its whole family");

        // An API key: shown once, known to introspection (what AuditService asks), gone once revoked.
        using var created = await SendAsync(gateway, HttpMethod.Post, "/auth/keys", accessToken, JsonContent.Create(new { name = "feed", scopes = new[] { "audit:write" } }));
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var key = await created.Content.ReadFromJsonAsync<JsonElement>();
        var apiKey = key.GetProperty("key").GetString()!;
        apiKey.Should().StartWith("fk_");
        (await IntrospectAsync(gateway, audit, apiKey)).GetProperty("active").GetBoolean().Should().BeTrue();

        // The key crosses the gateway, which checks it too, and reaches AuditService (which has no such route yet).
        using (var withKey = await SendWithApiKeyAsync(gateway, "/audit/journey-check", apiKey))
        {
            withKey.StatusCode.Should().Be(HttpStatusCode.NotFound, "a valid key passes the gateway and AuditService's own check");
        }
        using (var withBogusKey = await SendWithApiKeyAsync(gateway, "/audit/journey-check", "fk_aaaaaaaaaaaa_notarealsecret"))
        {
            withBogusKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            withBogusKey.Headers.WwwAuthenticate.ToString().Should().StartWith("ApiKey error=\"invalid_token\"");
        }

        using (var revoked = await SendAsync(gateway, HttpMethod.Delete, $"/auth/keys/{key.GetProperty("id").GetString()}", accessToken))
        {
            revoked.IsSuccessStatusCode.Should().BeTrue();
        }
        (await IntrospectAsync(gateway, audit, apiKey)).GetProperty("active").GetBoolean().Should().BeFalse();

        // Token revocation (RFC 7009): the rotated refresh token of a fresh login stops working.
        var again = await TokenAsync(gateway, cli, ("grant_type", "password"), ("username", name), ("password", "Correct-Horse-9"));
        using (var revoke = await FormAsync(gateway, "/auth/connect/revoke", cli, ("token", again.Body.GetProperty("refresh_token").GetString()!)))
        {
            revoke.StatusCode.Should().Be(HttpStatusCode.OK);
        }
        (await TokenAsync(gateway, cli, ("grant_type", "refresh_token"), ("refresh_token", again.Body.GetProperty("refresh_token").GetString()!)))
            .Body.GetProperty("error").GetString().Should().Be("invalid_grant");
    }

    private sealed record ClientCredentials(string Id, string Secret);

    private static async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(HttpClient gateway, ClientCredentials client, params (string, string)[] form)
    {
        using var response = await FormAsync(gateway, "/auth/connect/token", client, form);
        response.Headers.CacheControl?.NoStore.Should().BeTrue();
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static async Task<JsonElement> IntrospectAsync(HttpClient gateway, ClientCredentials client, string token)
    {
        using var response = await FormAsync(gateway, "/auth/connect/introspect", client, ("token", token), ("token_type_hint", "api_key"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Task<HttpResponseMessage> FormAsync(HttpClient gateway, string path, ClientCredentials client, params (string Name, string Value)[] form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        // RFC 6749 §2.3.1: id and secret form-encoded, then Basic.
        var credentials = $"{Uri.EscapeDataString(client.Id)}:{Uri.EscapeDataString(client.Secret)}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return gateway.SendAsync(request);
    }

    private static Task<HttpResponseMessage> SendWithApiKeyAsync(HttpClient gateway, string path, string apiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", apiKey);
        return gateway.SendAsync(request);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient gateway, HttpMethod method, string path, string token, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return gateway.SendAsync(request);
    }
}
