using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fleet.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fleet.Gateway.Tests;

/// <summary>The gateway checks tokens itself, per route, before anything reaches a service.</summary>
public sealed class AuthorizationTests : IAsyncLifetime
{
    private readonly TestTokens _tokens = new();
    private int _backendCalls;
    private TestBackend _auth = null!;
    private TestBackend _ingest = null!;
    private GatewayApp _gateway = null!;

    public async Task InitializeAsync()
    {
        _auth = await TestBackend.StartAsync(app =>
        {
            _tokens.MapJwks(app);
            app.MapPost("/auth/connect/token", () => Results.Json(new { access_token = "issued" }));
        });
        _ingest = await TestBackend.StartAsync(app => app.Map("/rides/{**path}", (HttpContext context) =>
        {
            Interlocked.Increment(ref _backendCalls);
            return Results.Json(new { authorization = context.Request.Headers.Authorization.ToString() });
        }));
        _gateway = GatewayApp.Start(
            new Dictionary<string, string[]> { ["auth"] = [_auth.Url], ["ingest"] = [_ingest.Url] },
            TestTokens.GatewaySettings(),
            checkTokens: true);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _ingest.DisposeAsync();
        await _auth.DisposeAsync();
    }

    [Fact]
    public async Task An_anonymous_route_passes_without_a_token()
    {
        var response = await _gateway.Client.PostAsync("/auth/connect/token", new FormUrlEncodedContent([new("grant_type", "client_credentials")]));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("issued");
    }

    [Fact]
    public async Task A_protected_route_without_a_token_is_a_401_problem_and_the_backend_is_never_called()
    {
        var response = await _gateway.Client.GetAsync("/rides/1");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        response.Headers.WwwAuthenticate.ToString().Should().Be("Bearer", "RFC 6750 §3.1: no error code when no token was sent");
        Volatile.Read(ref _backendCalls).Should().Be(0);
    }

    [Fact]
    public async Task A_bad_token_is_refused_at_the_gateway()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/rides/1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", new TestTokens().Create("xrides")); // signed by an unknown key

        var response = await _gateway.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        Volatile.Read(ref _backendCalls).Should().Be(0);
    }

    [Fact]
    public async Task A_valid_token_is_forwarded_with_the_Authorization_header_unchanged()
    {
        var token = _tokens.Create("xrides");
        var request = new HttpRequestMessage(HttpMethod.Get, "/rides/1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var response = await _gateway.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        echo.RootElement.GetProperty("authorization").GetString().Should().Be($"Bearer {token}");
    }

    [Fact]
    public async Task Health_docs_and_unknown_paths_need_no_token()
    {
        (await _gateway.Client.GetAsync("/alive")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _gateway.Client.GetAsync("/health/auth")).StatusCode.Should().NotBe(HttpStatusCode.Unauthorized);
        (await _gateway.Client.GetAsync("/docs/index.html")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _gateway.Client.GetAsync("/nowhere")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_route_can_name_a_scope_policy()
    {
        await using var gateway = GatewayApp.Start(
            new Dictionary<string, string[]> { ["auth"] = [_auth.Url], ["ingest"] = [_ingest.Url] },
            TestTokens.GatewaySettings(new Dictionary<string, string?> { ["ReverseProxy:Routes:rides:AuthorizationPolicy"] = "rides:write" }),
            checkTokens: true);

        var reader = new HttpRequestMessage(HttpMethod.Get, "/rides/1");
        reader.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens.Create("reader", "rides:read"));
        var writer = new HttpRequestMessage(HttpMethod.Get, "/rides/1");
        writer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens.Create("writer", "rides:write"));

        var forbidden = await gateway.Client.SendAsync(reader);
        forbidden.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        forbidden.Headers.WwwAuthenticate.ToString().Should().Contain("scope=\"rides:write\"");
        (await gateway.Client.SendAsync(writer)).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
