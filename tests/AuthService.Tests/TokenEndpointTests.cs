using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fleet.AuthServiceTests.Support;

namespace Fleet.AuthServiceTests;

[Collection(AuthCollection.Name)]
public sealed class TokenEndpointTests(AuthFixture auth)
{
    private static async Task<JsonElement> ExpectError(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.StatusCode.Should().Be(status, body.ToString());
        body.GetProperty("error").GetString().Should().Be(error);
        body.GetProperty("error_description").GetString().Should().NotBeNullOrEmpty();
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        return body;
    }

    [Fact]
    public async Task Client_credentials_with_basic_authentication()
    {
        var response = await auth.PostFormAsync("/auth/connect/token", [new("grant_type", "client_credentials")], AuthFixture.Basic("xrides", AuthFixture.XridesSecret));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        response.Headers.Pragma.ToString().Should().Be("no-cache");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("token_type").GetString().Should().Be("Bearer");
        // OpenIddict counts the seconds left when it answers, so a token issued a moment ago says 599 (RFC 6749 §5.1).
        body.GetProperty("expires_in").GetInt32().Should().BeInRange(599, 600);
        body.GetProperty("scope").GetString().Should().Be("rides:write rides:read");
        body.TryGetProperty("refresh_token", out _).Should().BeFalse();
    }

    [Fact]
    public async Task Client_credentials_with_form_authentication_and_a_narrower_scope()
    {
        var response = await auth.TokenAsync(("grant_type", "client_credentials"), ("client_id", "xrides"), ("client_secret", AuthFixture.XridesSecret), ("scope", "rides:read"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("scope").GetString().Should().Be("rides:read");
    }

    [Fact]
    public async Task Basic_and_form_credentials_together_are_invalid_request()
    {
        var response = await auth.PostFormAsync("/auth/connect/token",
            [new("grant_type", "client_credentials"), new("client_id", "xrides"), new("client_secret", AuthFixture.XridesSecret)],
            AuthFixture.Basic("xrides", AuthFixture.XridesSecret));
        await ExpectError(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task A_wrong_secret_with_basic_is_401_invalid_client_with_a_basic_challenge()
    {
        var response = await auth.PostFormAsync("/auth/connect/token", [new("grant_type", "client_credentials")], AuthFixture.Basic("xrides", "wrong"));
        await ExpectError(response, HttpStatusCode.Unauthorized, "invalid_client");
        response.Headers.WwwAuthenticate.Single().Scheme.Should().Be("Basic");
    }

    [Fact]
    public async Task A_wrong_secret_in_the_form_is_invalid_client()
    {
        // 401, as RFC 6749 §5.2 allows for invalid_client whatever the method (it was 400 before OpenIddict).
        var response = await auth.TokenAsync(("grant_type", "client_credentials"), ("client_id", "xrides"), ("client_secret", "wrong"));
        await ExpectError(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task No_client_authentication_is_401_invalid_client()
    {
        var response = await auth.TokenAsync(("grant_type", "client_credentials"));
        await ExpectError(response, HttpStatusCode.Unauthorized, "invalid_client");
        response.Headers.WwwAuthenticate.Should().NotBeEmpty();
    }

    [Fact]
    public async Task An_unknown_grant_type_is_unsupported_grant_type()
    {
        // authorization_code is supported now (for browser clients), so the unknown grant is one no server knows.
        var response = await auth.PostFormAsync("/auth/connect/token", [new("grant_type", "urn:example:unknown")], AuthFixture.Basic("xrides", AuthFixture.XridesSecret));
        await ExpectError(response, HttpStatusCode.BadRequest, "unsupported_grant_type");
    }

    [Fact]
    public async Task A_grant_the_client_may_not_use_is_unauthorized_client()
    {
        var response = await auth.PostFormAsync("/auth/connect/token",
            [new("grant_type", "password"), new("username", "admin"), new("password", AuthFixture.AdminPassword)], AuthFixture.Basic("xrides", AuthFixture.XridesSecret));
        await ExpectError(response, HttpStatusCode.BadRequest, "unauthorized_client");
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("no-such-scope")]
    public async Task A_scope_beyond_the_client_is_invalid_scope(string scope)
    {
        var response = await auth.PostFormAsync("/auth/connect/token", [new("grant_type", "client_credentials"), new("scope", scope)], AuthFixture.Basic("xrides", AuthFixture.XridesSecret));
        await ExpectError(response, HttpStatusCode.BadRequest, "invalid_scope");
    }

    [Fact]
    public async Task A_user_asking_beyond_their_role_is_invalid_scope()
    {
        var (userName, password, _) = await auth.NewVerifiedUserAsync();
        var response = await auth.PostFormAsync("/auth/connect/token",
            [new("grant_type", "password"), new("username", userName), new("password", password), new("scope", "rides:read admin")],
            AuthFixture.Basic("fleet-cli", AuthFixture.CliSecret));
        await ExpectError(response, HttpStatusCode.BadRequest, "invalid_scope");
    }

    [Fact]
    public async Task A_repeated_parameter_is_invalid_request()
    {
        using var content = new StringContent("grant_type=client_credentials&scope=rides:read&scope=rides:write", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/connect/token") { Content = content };
        request.Headers.Authorization = AuthFixture.Basic("xrides", AuthFixture.XridesSecret);
        var body = await ExpectError(await auth.CreateClient().SendAsync(request), HttpStatusCode.BadRequest, "invalid_request");
        body.GetProperty("error_description").GetString().Should().Contain("scope");
    }

    [Fact]
    public async Task A_json_body_is_invalid_request()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/connect/token")
        {
            Content = JsonContent.Create(new { grant_type = "client_credentials" }),
        };
        request.Headers.Authorization = AuthFixture.Basic("xrides", AuthFixture.XridesSecret);
        await ExpectError(await auth.CreateClient().SendAsync(request), HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData(3000)]
    [InlineData(100_000)]
    public async Task An_oversized_field_is_invalid_request(int length)
    {
        var response = await auth.PostFormAsync("/auth/connect/token",
            [new("grant_type", "password"), new("username", new string('a', length)), new("password", "x")], AuthFixture.Basic("fleet-cli", AuthFixture.CliSecret));
        await ExpectError(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task A_malformed_basic_header_is_invalid_request()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/connect/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Basic %%%not-base64");
        // A header that is not Basic at all is a malformed request (RFC 6749 §5.2 invalid_request); it was invalid_client before OpenIddict.
        await ExpectError(await auth.CreateClient().SendAsync(request), HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task A_missing_grant_type_is_invalid_request()
    {
        var response = await auth.PostFormAsync("/auth/connect/token", [new("scope", "rides:read")], AuthFixture.Basic("xrides", AuthFixture.XridesSecret));
        await ExpectError(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Discovery_names_the_endpoints_under_the_issuer()
    {
        var configuration = await auth.CreateClient().GetFromJsonAsync<JsonElement>("/auth/.well-known/openid-configuration");
        configuration.GetProperty("issuer").GetString().Should().Be(AuthFixture.Issuer);
        configuration.GetProperty("token_endpoint").GetString().Should().Be($"{AuthFixture.Issuer}/connect/token");
        configuration.GetProperty("jwks_uri").GetString().Should().Be($"{AuthFixture.Issuer}/.well-known/jwks.json");
        configuration.GetProperty("introspection_endpoint").GetString().Should().Be($"{AuthFixture.Issuer}/connect/introspect");
        configuration.GetProperty("revocation_endpoint").GetString().Should().Be($"{AuthFixture.Issuer}/connect/revoke");
        configuration.GetProperty("authorization_endpoint").GetString().Should().Be($"{AuthFixture.Issuer}/connect/authorize");
        configuration.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString())
            .Should().BeEquivalentTo("password", "client_credentials", "refresh_token", "authorization_code");
        configuration.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(g => g.GetString()).Should().Equal("S256");
        configuration.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(g => g.GetString()).Should().BeEquivalentTo("client_secret_basic", "client_secret_post");
    }
}
