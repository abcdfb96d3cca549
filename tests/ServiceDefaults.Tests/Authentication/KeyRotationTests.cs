using Fleet.Testing;
using System.Net;
using System.Net.Http.Headers;

namespace Fleet.ServiceDefaultsTests.Authentication;

public sealed class KeyRotationTests
{
    private static Task<HttpResponseMessage> PostRidesAsync(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/rides");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    [Fact]
    public async Task A_token_with_a_new_kid_makes_the_service_fetch_the_key_set_once_and_both_keys_are_then_valid()
    {
        await using var auth = await FakeAuthServer.StartAsync();
        var oldKey = auth.NewKey();
        var (app, client) = await TokenValidationTests.StartServiceAsync(auth, minimumRefresh: "00:00:00.500");
        await using var _ = app;

        (await PostRidesAsync(client, oldKey.CreateToken())).StatusCode.Should().Be(HttpStatusCode.OK);
        auth.JwksRequests.Should().Be(1);

        await Task.Delay(TimeSpan.FromSeconds(0.6)); // past the minimum interval between fetches
        var newKey = auth.NewKey(); // AuthService rotates: both keys published

        (await PostRidesAsync(client, newKey.CreateToken())).StatusCode.Should().Be(HttpStatusCode.OK, "the unknown kid made the service fetch the key set again");
        auth.JwksRequests.Should().Be(2);

        for (var i = 0; i < 5; i++)
        {
            (await PostRidesAsync(client, oldKey.CreateToken())).StatusCode.Should().Be(HttpStatusCode.OK);
            (await PostRidesAsync(client, newKey.CreateToken())).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        auth.JwksRequests.Should().Be(2, "known kids need no fetch");
    }

    [Fact]
    public async Task Concurrent_requests_with_a_new_kid_cause_a_single_fetch()
    {
        await using var auth = await FakeAuthServer.StartAsync();
        var oldKey = auth.NewKey();
        var (app, client) = await TokenValidationTests.StartServiceAsync(auth, minimumRefresh: "00:00:00.200");
        await using var _ = app;
        (await PostRidesAsync(client, oldKey.CreateToken())).StatusCode.Should().Be(HttpStatusCode.OK);
        await Task.Delay(TimeSpan.FromSeconds(0.3));
        var newKey = auth.NewKey();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PostRidesAsync(client, newKey.CreateToken())));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        auth.JwksRequests.Should().Be(2);
    }

    [Fact]
    public async Task When_AuthService_is_unreachable_tokens_are_refused_not_crashed_on()
    {
        var key = SigningKey.Create();
        await using var auth = await FakeAuthServer.StartAsync();
        var url = auth.Url;
        await auth.DisposeAsync();
        var builderAuth = await FakeAuthServer.StartAsync(); // a live server whose address is not used
        await using var __ = builderAuth;
        var (app, client) = await TokenValidationTests.StartServiceAsync(builderAuth, configure: o => o.AuthServiceUrl = url);
        await using var _ = app;

        var response = await PostRidesAsync(client, key.CreateToken());

        await AuthAssertions.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }
}
