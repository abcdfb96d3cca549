using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fleet.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fleet.Gateway.Tests;

/// <summary>Token buckets per client id (authenticated) or per remote IP (anonymous), from Gateway:RateLimits.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const int Burst = 3;

    private readonly TestTokens _tokens = new();
    private TestBackend _auth = null!;
    private TestBackend _ingest = null!;
    private GatewayApp _gateway = null!;

    public async Task InitializeAsync()
    {
        _auth = await TestBackend.StartAsync(app =>
        {
            _tokens.MapJwks(app);
            app.MapPost("/auth/connect/token", () => "token");
        });
        _ingest = await TestBackend.StartAsync(app => app.Map("/rides/{**path}", () => "ride"));
        _gateway = GatewayApp.Start(
            new Dictionary<string, string[]> { ["auth"] = [_auth.Url], ["ingest"] = [_ingest.Url] },
            TestTokens.GatewaySettings(new Dictionary<string, string?>
            {
                // One permit a second, so the bucket cannot refill noticeably during a test.
                ["Gateway:RateLimits:Authenticated:PermitsPerSecond"] = "1",
                ["Gateway:RateLimits:Authenticated:Burst"] = $"{Burst}",
                ["Gateway:RateLimits:Anonymous:PermitsPerSecond"] = "1",
                ["Gateway:RateLimits:Anonymous:Burst"] = $"{Burst}",
                ["Gateway:RateLimits:Clients:feed:PermitsPerSecond"] = "1",
                ["Gateway:RateLimits:Clients:feed:Burst"] = $"{Burst * 2}",
            }),
            checkTokens: true);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _ingest.DisposeAsync();
        await _auth.DisposeAsync();
    }

    private static Task<HttpResponseMessage> GetRideAsync(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/rides/1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    [Fact]
    public async Task A_client_over_its_limit_gets_a_429_problem_with_Retry_After_while_other_clients_pass()
    {
        var client = _tokens.Create("reports");
        for (var i = 0; i < Burst; i++)
        {
            (await GetRideAsync(_gateway.Client, client)).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var refused = await GetRideAsync(_gateway.Client, _tokens.Create("reports")); // another token, same client

        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter!.Delta.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("status").GetInt32().Should().Be(429);

        (await GetRideAsync(_gateway.Client, _tokens.Create("other-client"))).StatusCode.Should().Be(HttpStatusCode.OK, "each client has its own bucket");
        (await _gateway.Client.PostAsync("/auth/connect/token", null)).StatusCode.Should().Be(HttpStatusCode.OK, "anonymous callers are counted per IP, apart from clients");
    }

    [Fact]
    public async Task A_machine_client_with_a_limit_of_its_own_is_held_to_that_one()
    {
        var feed = _tokens.Create("feed");
        for (var i = 0; i < Burst * 2; i++)
        {
            (await GetRideAsync(_gateway.Client, feed)).StatusCode.Should().Be(HttpStatusCode.OK, $"request {i + 1} is within the feed's own burst");
        }

        (await GetRideAsync(_gateway.Client, feed)).StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Users_of_one_client_application_have_a_bucket_each()
    {
        var alice = _tokens.CreateForUser("fleet-cli", "alice");
        for (var i = 0; i < Burst; i++)
        {
            (await GetRideAsync(_gateway.Client, alice)).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        (await GetRideAsync(_gateway.Client, alice)).StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await GetRideAsync(_gateway.Client, _tokens.CreateForUser("fleet-cli", "bob"))).StatusCode
            .Should().Be(HttpStatusCode.OK, "one user exhausting the limit must not lock out the others of the same client");
    }

    [Fact]
    public async Task Anonymous_callers_are_limited_per_IP_address()
    {
        for (var i = 0; i < Burst; i++)
        {
            (await _gateway.Client.PostAsync("/auth/connect/token", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var refused = await _gateway.Client.PostAsync("/auth/connect/token", null);
        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter.Should().NotBeNull();

        using var fromElsewhere = LoopbackClient.From("127.0.0.2", _gateway.Address);
        (await fromElsewhere.PostAsync("/auth/connect/token", null)).StatusCode.Should().Be(HttpStatusCode.OK, "another address has its own bucket");
        (await GetRideAsync(_gateway.Client, _tokens.Create("xrides"))).StatusCode.Should().Be(HttpStatusCode.OK, "an authenticated client from the same address is counted apart");
    }

    [Fact]
    public async Task Health_and_docs_are_not_limited()
    {
        for (var i = 0; i < Burst * 3; i++)
        {
            (await _gateway.Client.GetAsync("/alive")).StatusCode.Should().Be(HttpStatusCode.OK);
            (await _gateway.Client.GetAsync("/docs/index.html")).StatusCode.Should().Be(HttpStatusCode.OK);
        }
    }
}
