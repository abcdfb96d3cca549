using System.Net;
using System.Security.Cryptography;
using Fleet.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fleet.Gateway.Tests;

/// <summary>
/// API keys are checked by asking AuthService (introspection). The rate limiter comes first, so no caller can
/// make the gateway ask AuthService faster than the caller's own limit; answers are remembered for a while.
/// </summary>
public sealed class ApiKeyLimitTests : IAsyncLifetime
{
    private const int AnonymousBurst = 10;
    private const string ActiveKey = "fk_activekey001_secret";

    private readonly TestTokens _tokens = new();
    private int _introspections;
    private TestBackend _auth = null!;
    private TestBackend _ingest = null!;
    private GatewayApp _gateway = null!;

    private int Introspections => Volatile.Read(ref _introspections);

    public async Task InitializeAsync()
    {
        _auth = await TestBackend.StartAsync(app =>
        {
            _tokens.MapJwks(app);
            app.MapPost("/auth/connect/introspect", async (HttpContext context) =>
            {
                Interlocked.Increment(ref _introspections);
                var form = await context.Request.ReadFormAsync();
                return form["token"] == ActiveKey
                    ? Results.Json(new { active = true, token_type = "api_key", sub = "user-7", scope = "rides:read", client_id = "key-client" })
                    : Results.Json(new { active = false });
            });
        });
        _ingest = await TestBackend.StartAsync(app => app.Map("/rides/{**path}", () => "ride"));
        _gateway = GatewayApp.Start(
            new Dictionary<string, string[]> { ["auth"] = [_auth.Url], ["ingest"] = [_ingest.Url] },
            TestTokens.GatewaySettings(new Dictionary<string, string?>
            {
                ["Auth:ClientId"] = "gateway",
                ["Auth:ClientSecret"] = "gateway-secret",
                ["Gateway:RateLimits:Anonymous:PermitsPerSecond"] = "1",
                ["Gateway:RateLimits:Anonymous:Burst"] = $"{AnonymousBurst}",
            }),
            checkTokens: true);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _ingest.DisposeAsync();
        await _auth.DisposeAsync();
    }

    private static HttpRequestMessage RideRequest(string apiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/rides/1");
        request.Headers.Add("X-Api-Key", apiKey);
        return request;
    }

    private static string RandomKey() =>
        $"fk_{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}_{Convert.ToHexString(RandomNumberGenerator.GetBytes(16))}";

    [Fact]
    public async Task A_flood_of_random_keys_is_limited_before_any_of_them_is_introspected()
    {
        const int requests = 300;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, requests).Select(_ => _gateway.Client.SendAsync(RideRequest(RandomKey()))));
        var refills = (int)Math.Ceiling(clock.Elapsed.TotalSeconds);

        var refused = responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized);
        var limited = responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        (refused + limited).Should().Be(requests);
        // The bucket holds AnonymousBurst permits and refills one a second while the flood lasts.
        refused.Should().BeInRange(1, AnonymousBurst + refills + 1);
        Introspections.Should().Be(refused, "only the requests the limiter let through cost a call to AuthService");
    }

    [Fact]
    public async Task A_refused_key_is_remembered_and_not_asked_about_again()
    {
        using var client = LoopbackClient.From("127.0.0.3", _gateway.Address);
        var key = RandomKey();

        for (var i = 0; i < 3; i++)
        {
            (await client.SendAsync(RideRequest(key))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        Introspections.Should().Be(1);
    }

    [Fact]
    public async Task A_known_active_key_is_limited_per_client_not_at_the_anonymous_rate()
    {
        using var client = LoopbackClient.From("127.0.0.4", _gateway.Address);

        for (var i = 0; i < AnonymousBurst * 2; i++)
        {
            (await client.SendAsync(RideRequest(ActiveKey))).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        Introspections.Should().Be(1);
    }
}
