using Fleet.Testing;
using System.Net;
using System.Net.Http.Headers;

namespace Fleet.ServiceDefaultsTests.Authentication;

/// <summary>A token found valid is remembered until it expires; the memory must never let a bad token through.</summary>
public sealed class CachedValidationTests : IAsyncLifetime
{
    private FakeAuthServer _auth = null!;
    private SigningKey _key = null!;

    public async Task InitializeAsync()
    {
        _auth = await FakeAuthServer.StartAsync();
        _key = _auth.NewKey();
    }

    public async Task DisposeAsync() => await _auth.DisposeAsync();

    [Fact]
    public async Task A_token_accepted_before_is_refused_once_it_has_expired()
    {
        var (app, client) = await TokenValidationTests.StartServiceAsync(_auth, configure: o => o.ClockSkew = TimeSpan.Zero);
        await using var _ = app;
        var token = _key.CreateToken(expires: DateTime.UtcNow.AddSeconds(3));

        (await PostAsync(client, token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await PostAsync(client, token)).StatusCode.Should().Be(HttpStatusCode.OK);
        await Task.Delay(TimeSpan.FromSeconds(3.5));

        (await PostAsync(client, token)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Changing_a_token_accepted_before_makes_it_invalid()
    {
        var (app, client) = await TokenValidationTests.StartServiceAsync(_auth);
        await using var _ = app;
        var token = _key.CreateToken(scope: "rides:read");
        (await PostAsync(client, token)).StatusCode.Should().Be(HttpStatusCode.Forbidden, "the token is valid but lacks rides:write");

        var parts = token.Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(Base64UrlDecode(parts[1])).Replace("rides:read", "rides:write");
        var forged = $"{parts[0]}.{Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(payload))}.{parts[2]}";

        (await PostAsync(client, forged)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/rides");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    private static byte[] Base64UrlDecode(string text) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(text);

    private static string Base64UrlEncode(byte[] bytes) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(bytes);
}
