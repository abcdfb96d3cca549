using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.AuthServiceTests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Fleet.AuthServiceTests;

/// <summary>
/// Guessing is slowed by source and by account, and a stranger cannot lock anyone out (the outside probe's finding:
/// five wrong passwords from anywhere used to lock any known account, the admin's included, for 15 minutes).
/// Sources are X-Forwarded-For addresses as the gateway appends them.
/// </summary>
[Collection(AuthCollection.Name)]
public sealed class SignInThrottleTests(AuthFixture auth)
{
    private const string Home = "198.51.100.2";
    private const string Stranger = "203.0.113.7";

    private static async Task<HttpResponseMessage> PasswordGrantAsync(HttpClient client, string userName, string password, string source)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/connect/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "password"), new("username", userName), new("password", password)]),
        };
        request.Headers.Authorization = AuthFixture.Basic("fleet-cli", AuthFixture.CliSecret);
        request.Headers.Add("X-Forwarded-For", source);
        return await client.SendAsync(request);
    }

    private WebApplicationFactory<Fleet.AuthService.AuthOptions> With(string setting, string value) =>
        auth.Factory.WithWebHostBuilder(web => web.UseSetting(setting, value));

    [Fact]
    public async Task A_stranger_who_guesses_wrong_locks_out_only_themselves()
    {
        var (userName, password, _) = await auth.NewVerifiedUserAsync();
        var client = auth.CreateClient();

        for (var i = 0; i < AuthFixture.MaxFailedAttempts; i++)
        {
            (await PasswordGrantAsync(client, userName, "Wrong-Password-1", Stranger)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        }

        var strangerWithThePassword = await PasswordGrantAsync(client, userName, password, Stranger);
        strangerWithThePassword.StatusCode.Should().Be(HttpStatusCode.BadRequest, "that source has had its tries on this account");
        (await strangerWithThePassword.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_description").GetString()
            .Should().Be("Invalid username or password.", "the throttle is not revealed");
        (await PasswordGrantAsync(client, userName, password, Home)).StatusCode.Should().Be(HttpStatusCode.OK, "the user, elsewhere, is not locked out");
    }

    [Fact]
    public async Task Parallel_guesses_from_one_source_each_count()
    {
        var (userName, password, _) = await auth.NewVerifiedUserAsync();
        var client = auth.CreateClient();

        await Task.WhenAll(Enumerable.Range(0, AuthFixture.MaxFailedAttempts * 3).Select(_ => PasswordGrantAsync(client, userName, "Wrong-Password-1", Stranger)));

        (await PasswordGrantAsync(client, userName, password, Stranger)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await PasswordGrantAsync(client, userName, password, Home)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task One_source_guessing_across_accounts_is_stopped_on_all_of_them()
    {
        var (userName, password, _) = await auth.NewVerifiedUserAsync();
        var client = With("Auth:MaxFailuresPerSource", "4").CreateClient();
        const string source = "203.0.113.8";

        for (var i = 0; i < 4; i++)
        {
            await PasswordGrantAsync(client, $"nobody{i}-{Guid.NewGuid():N}"[..20], "Guess-Password-1", source);
        }

        (await PasswordGrantAsync(client, userName, password, source)).StatusCode.Should().Be(HttpStatusCode.BadRequest, "the source has spent its tries");
        (await PasswordGrantAsync(client, userName, password, Home)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_flood_on_one_account_leaves_it_open_to_the_sources_its_user_signed_in_from()
    {
        var (userName, password, _) = await auth.NewVerifiedUserAsync();
        var client = With("Auth:MaxFailuresPerAccount", "3").CreateClient();
        (await PasswordGrantAsync(client, userName, password, Home)).StatusCode.Should().Be(HttpStatusCode.OK);

        foreach (var attacker in new[] { "192.0.2.1", "192.0.2.2", "192.0.2.3" })
        {
            await PasswordGrantAsync(client, userName, "Wrong-Password-1", attacker);
        }

        (await PasswordGrantAsync(client, userName, password, "192.0.2.200")).StatusCode.Should().Be(HttpStatusCode.BadRequest, "a new source, during the flood");
        (await PasswordGrantAsync(client, userName, password, Home)).StatusCode.Should().Be(HttpStatusCode.OK, "the user's own source");
    }

    [Fact]
    public async Task The_sign_in_page_is_throttled_like_the_password_grant()
    {
        var (userName, password, _) = await auth.NewVerifiedUserAsync();
        var client = auth.CreateClient();
        for (var i = 0; i < AuthFixture.MaxFailedAttempts; i++)
        {
            await PasswordGrantAsync(client, userName, "Wrong-Password-1", "127.0.0.1");
        }
        // The sign-in page sees the same source (no X-Forwarded-For: the loopback address itself) and refuses it too.
        var cookies = auth.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await cookies.GetStringAsync("/auth/signin");
        var token = AuthorizationCodeTests.HiddenValue(page, "__RequestVerificationToken");
        var answer = await cookies.PostAsync("/auth/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["userName"] = userName, ["password"] = password,
        }));
        answer.StatusCode.Should().Be(HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
        (await answer.Content.ReadAsStringAsync()).Should().Contain("Invalid username or password.");
    }
}
