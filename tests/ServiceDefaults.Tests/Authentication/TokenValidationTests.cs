using Fleet.Testing;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Fleet.ServiceDefaults.Authentication;
using Fleet.ServiceDefaultsTests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace Fleet.ServiceDefaultsTests.Authentication;

/// <summary>A service with AddServiceDefaults + AddFleetAuthentication, validating against a fake AuthService's JWKS over real sockets.</summary>
public sealed class TokenValidationTests : IAsyncLifetime
{
    private FakeAuthServer _auth = null!;
    private SigningKey _key = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _auth = await FakeAuthServer.StartAsync();
        _key = _auth.NewKey();
        (_app, _client) = await StartServiceAsync(_auth);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _auth.DisposeAsync();
    }

    internal static async Task<(WebApplication App, HttpClient Client)> StartServiceAsync(
        FakeAuthServer auth, string minimumRefresh = "00:00:05", Action<FleetAuthenticationOptions>? configure = null)
    {
        var builder = TestApp.CreateBuilder(new Dictionary<string, string?>
        {
            ["Auth:Issuer"] = FakeAuthServer.Issuer,
            ["Auth:JwksMinimumRefreshInterval"] = minimumRefresh,
            ["Auth:ClientId"] = FakeAuthServer.IntrospectingClient,
            ["Auth:ClientSecret"] = FakeAuthServer.IntrospectingSecret,
            ["services:auth:http:0"] = auth.Url,
        });
        builder.AddServiceDefaults();
        builder.AddFleetAuthentication(configure);
        var app = builder.Build();
        app.MapPost("/rides", (ClaimsPrincipal user) => new { sub = user.Identity!.Name, scopes = user.GetScopes() })
            .RequireAuthorization(FleetPolicies.RidesWrite);
        app.MapGet("/audit/events", () => "events").RequireAuthorization(FleetPolicies.AuditRead);
        app.MapGet("/admin/stats", () => "stats").RequireAuthorization(FleetPolicies.Admin);
        app.MapGet("/undeclared", (ClaimsPrincipal user) => new { sub = user.Identity!.Name, roles = user.FindAll(FleetClaims.Roles).Select(c => c.Value), isAdmin = user.IsInRole("admin") });
        app.MapGet("/public", () => "hello").AllowAnonymous();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        return (app, app.GetTestClient());
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return _client.SendAsync(request);
    }

    [Fact]
    public async Task A_valid_token_with_the_scope_is_accepted_with_its_claims()
    {
        var response = await SendAsync(HttpMethod.Post, "/rides", _key.CreateToken());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("sub").GetString().Should().Be("xrides");
        body.RootElement.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()).Should().Equal("rides:write", "rides:read");
    }

    [Fact]
    public async Task Roles_are_mapped_so_IsInRole_works()
    {
        var response = await SendAsync(HttpMethod.Get, "/undeclared", _key.CreateToken(subject: "user-1", roles: ["user", "admin"]));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("roles").EnumerateArray().Select(e => e.GetString()).Should().Equal("user", "admin");
        body.RootElement.GetProperty("isAdmin").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task No_token_is_a_401_problem_with_WWW_Authenticate()
    {
        var response = await SendAsync(HttpMethod.Post, "/rides", null);

        var problem = await AuthAssertions.ProblemAsync(response, HttpStatusCode.Unauthorized, credentialsSent: false);
        AuthAssertions.Challenge(response).Should().Be("Bearer");
        problem.GetProperty("detail").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_route_that_declares_nothing_needs_a_token_but_no_scope()
    {
        (await SendAsync(HttpMethod.Get, "/undeclared", null)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await SendAsync(HttpMethod.Get, "/undeclared", _key.CreateToken(scope: null))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Anonymous_and_default_endpoints_need_no_token()
    {
        (await SendAsync(HttpMethod.Get, "/public", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await SendAsync(HttpMethod.Get, "/health", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await SendAsync(HttpMethod.Get, "/alive", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await SendAsync(HttpMethod.Get, "/openapi/v1.json", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        // A bad token on an anonymous route is ignored, not refused.
        (await SendAsync(HttpMethod.Get, "/public", "not.a.token")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/audit/events", "audit:read")]
    [InlineData("/admin/stats", "admin")]
    public async Task A_token_without_the_scope_is_a_403_problem_naming_the_scope(string path, string scope)
    {
        var response = await SendAsync(HttpMethod.Get, path, _key.CreateToken(scope: "rides:write rides:read"));

        var problem = await AuthAssertions.ProblemAsync(response, HttpStatusCode.Forbidden);
        AuthAssertions.Challenge(response).Should().Be($"Bearer error=\"insufficient_scope\", scope=\"{scope}\"");
        problem.GetProperty("scope").GetString().Should().Be(scope);
    }

    [Fact]
    public async Task A_scope_is_matched_whole_not_as_a_substring()
    {
        var response = await SendAsync(HttpMethod.Post, "/rides", _key.CreateToken(scope: "rides:writer xrides:write rides"));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var token = _key.CreateToken(expires: DateTime.UtcNow.AddMinutes(-2)); // beyond the 30 s clock skew

        var response = await SendAsync(HttpMethod.Post, "/rides", token);

        await AuthAssertions.ProblemAsync(response, HttpStatusCode.Unauthorized);
        AuthAssertions.Challenge(response).Should().Contain("error=\"invalid_token\"").And.Contain("expired");
    }

    [Fact]
    public async Task A_token_expired_within_the_clock_skew_is_still_accepted()
    {
        var token = _key.CreateToken(expires: DateTime.UtcNow.AddSeconds(-5));

        (await SendAsync(HttpMethod.Post, "/rides", token)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_tampered_payload_is_refused()
    {
        var parts = _key.CreateToken(scope: "rides:read").Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"rides:read\"", "\"rides:write admin\"");
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";

        var response = await SendAsync(HttpMethod.Post, "/rides", tampered);

        await AuthAssertions.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_unsigned_alg_none_token_is_refused()
    {
        var header = Base64UrlEncoder.Encode($$"""{"alg":"none","typ":"at+jwt","kid":"{{_key.Kid}}"}""");
        var exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        var payload = Base64UrlEncoder.Encode($$"""{"iss":"{{FakeAuthServer.Issuer}}","aud":"fleet","sub":"mallory","scope":"rides:write","exp":{{exp}}}""");

        foreach (var token in new[] { $"{header}.{payload}.", $"{header}.{payload}" })
        {
            var response = await SendAsync(HttpMethod.Post, "/rides", token);
            await AuthAssertions.ProblemAsync(response, HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task HS256_signed_with_the_public_key_as_secret_is_refused()
    {
        var response = await SendAsync(HttpMethod.Post, "/rides", _key.CreateHs256TokenWithPublicKeyAsSecret());

        await AuthAssertions.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_signed_by_an_unpublished_key_is_refused()
    {
        var stranger = SigningKey.Create();

        var response = await SendAsync(HttpMethod.Post, "/rides", stranger.CreateToken());

        await AuthAssertions.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_wrong_issuer_is_refused()
    {
        var response = await SendAsync(HttpMethod.Post, "/rides", _key.CreateToken(issuer: "http://evil.example/auth"));

        await AuthAssertions.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_wrong_audience_is_refused()
    {
        var response = await SendAsync(HttpMethod.Post, "/rides", _key.CreateToken(audience: "other"));

        await AuthAssertions.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_of_another_type_is_refused()
    {
        var response = await SendAsync(HttpMethod.Post, "/rides", _key.CreateToken(typ: "JWT"));

        await AuthAssertions.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_key_set_is_fetched_once_for_many_requests()
    {
        var tokens = Enumerable.Range(0, 5).Select(i => _key.CreateToken(subject: $"client-{i}")).ToList();

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => SendAsync(HttpMethod.Post, "/rides", tokens[i % tokens.Count])));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        _auth.JwksRequests.Should().Be(1);
    }

    [Fact]
    public async Task Unknown_kids_cannot_make_the_service_fetch_the_key_set_again_and_again()
    {
        (await SendAsync(HttpMethod.Post, "/rides", _key.CreateToken())).StatusCode.Should().Be(HttpStatusCode.OK);

        for (var i = 0; i < 20; i++)
        {
            (await SendAsync(HttpMethod.Post, "/rides", SigningKey.Create().CreateToken())).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        _auth.JwksRequests.Should().Be(1, "the key set may be fetched again at most once per JwksMinimumRefreshInterval (5 s here)");
    }
}

internal static class AuthAssertions
{
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, bool credentialsSent = true)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        using var json = JsonDocument.Parse(text);
        var problem = json.RootElement.Clone();
        problem.GetProperty("status").GetInt32().Should().Be((int)status);
        problem.GetProperty("type").GetString().Should().StartWith("https://");
        problem.GetProperty("title").GetString().Should().NotBeNullOrEmpty();
        if (status == HttpStatusCode.Unauthorized)
        {
            // RFC 6750 §3.1: no error code for a request that carried no credentials.
            if (credentialsSent)
            {
                Challenge(response).Should().Contain("error=\"invalid_token\"");
            }
            else
            {
                Challenge(response).Should().NotContain("error=");
            }
        }

        return problem;
    }

    public static string Challenge(HttpResponseMessage response) => string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
}
