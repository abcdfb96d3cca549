using Fleet.Testing;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Fleet.ServiceDefaultsTests.Authentication;

/// <summary>X-Api-Key validated by RFC 7662 introspection at a fake AuthService on a real socket.</summary>
public sealed class ApiKeyTests : IAsyncLifetime
{
    private const string ActiveKey = "fk_abcdefghijkl_activesecret";
    private const string RevokedKey = "fk_mnopqrstuvwx_revokedsecret";
    private const string RefreshTokenShapedLikeAKey = "fk_refreshtoken_butnotakey";

    private FakeAuthServer _auth = null!;
    private Microsoft.AspNetCore.Builder.WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _auth = await FakeAuthServer.StartAsync();
        _auth.ApiKeys[ActiveKey] = new { active = true, sub = "user-42", scope = "audit:write", client_id = (string?)null, token_type = "api_key" };
        _auth.ApiKeys[RevokedKey] = new { active = false };
        _auth.ApiKeys[RefreshTokenShapedLikeAKey] = new { active = true, sub = "user-42", scope = "admin", client_id = "fleet-cli", token_type = "refresh_token" };
        (_app, _client) = await TokenValidationTests.StartServiceAsync(_auth, configure: o => o.AcceptApiKeys = true);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _auth.DisposeAsync();
    }

    private Task<HttpResponseMessage> SendAsync(string path, string? apiKey, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return _client.SendAsync(request);
    }

    [Fact]
    public async Task An_active_key_authenticates_as_its_user_with_its_scopes()
    {
        var response = await SendAsync("/undeclared", ActiveKey);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("sub").GetString().Should().Be("user-42");
    }

    [Fact]
    public async Task A_key_is_introspected_once_for_repeated_requests_within_the_cache_window()
    {
        var sequential = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            sequential.Add((await SendAsync("/undeclared", ActiveKey)).StatusCode);
        }

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => SendAsync("/undeclared", ActiveKey)));

        sequential.Should().OnlyContain(s => s == HttpStatusCode.OK);
        concurrent.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        _auth.IntrospectionRequests.Should().Be(1);
    }

    [Fact]
    public async Task An_inactive_key_is_a_401_problem_and_the_answer_is_cached_too()
    {
        for (var i = 0; i < 3; i++)
        {
            var response = await SendAsync("/undeclared", RevokedKey);
            await AuthAssertions.ProblemAsync(response, HttpStatusCode.Unauthorized);
            AuthAssertions.Challenge(response).Should().StartWith("ApiKey error=\"invalid_token\"");
        }

        (await SendAsync("/undeclared", "fk_unknownkey00_nothing")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        _auth.IntrospectionRequests.Should().Be(2, "one call per distinct key");
    }

    [Fact]
    public async Task The_introspector_says_which_keys_it_can_answer_without_a_call()
    {
        var introspector = _app.Services.GetRequiredService<Fleet.ServiceDefaults.Authentication.ApiKeys.ApiKeyIntrospector>();
        introspector.HoldsAnswerFor(RevokedKey).Should().BeFalse();

        await SendAsync("/undeclared", RevokedKey);

        introspector.HoldsAnswerFor(RevokedKey).Should().BeTrue("a refused key is remembered too");
        introspector.HoldsAnswerFor(ActiveKey).Should().BeFalse();
    }

    [Fact]
    public async Task A_key_without_the_scope_is_a_403()
    {
        var response = await SendAsync("/audit/events", ActiveKey);

        await AuthAssertions.ProblemAsync(response, HttpStatusCode.Forbidden);
        AuthAssertions.Challenge(response).Should().Contain("insufficient_scope").And.Contain("audit:read");
    }

    [Fact]
    public async Task Bearer_tokens_still_work_where_keys_are_accepted()
    {
        var key = _auth.NewKey();

        (await SendAsync("/undeclared", null, key.CreateToken())).StatusCode.Should().Be(HttpStatusCode.OK);
        (await SendAsync("/undeclared", null)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Services_that_do_not_accept_keys_ignore_them()
    {
        var (app, client) = await TokenValidationTests.StartServiceAsync(_auth);
        await using var _ = app;
        var request = new HttpRequestMessage(HttpMethod.Get, "/undeclared");
        request.Headers.Add("X-Api-Key", ActiveKey);

        (await client.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        _auth.IntrospectionRequests.Should().Be(0);
    }

    [Fact]
    public async Task Only_an_active_answer_about_an_api_key_authenticates()
    {
        var response = await SendAsync("/undeclared", RefreshTokenShapedLikeAKey);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "an active refresh or access token is not an API key");
    }

    [Fact]
    public async Task Something_not_shaped_like_an_api_key_is_refused_without_asking_AuthService()
    {
        var before = _auth.IntrospectionRequests;

        (await SendAsync("/undeclared", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await SendAsync("/undeclared", "fk_" + new string('a', 5000))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        _auth.IntrospectionRequests.Should().Be(before);
    }
}
