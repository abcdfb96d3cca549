using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.AuthServiceTests.Support;

namespace Fleet.AuthServiceTests;

[Collection(AuthCollection.Name)]
public sealed class UserTests(AuthFixture auth)
{
    [Fact]
    public async Task Register_verify_login_and_me()
    {
        var (userName, password, id) = await auth.NewVerifiedUserAsync();

        var token = await auth.PasswordTokenAsync(userName, password);
        token.GetProperty("token_type").GetString().Should().Be("Bearer");
        token.GetProperty("scope").GetString().Should().Be("rides:read files:read files:write audit:write audit:read events:read");

        var me = await auth.BearerClient(token.GetProperty("access_token").GetString()!).GetFromJsonAsync<JsonElement>("/auth/me");
        me.GetProperty("id").GetString().Should().Be(id);
        me.GetProperty("userName").GetString().Should().Be(userName);
        me.GetProperty("email").GetString().Should().Be($"{userName}@example.test");
        me.GetProperty("clientId").GetString().Should().Be("fleet-cli");
        me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).Should().Equal("user");
        me.GetProperty("scopes").GetArrayLength().Should().Be(6);
    }

    [Fact]
    public async Task Login_is_refused_until_the_email_is_verified_and_a_key_works_once()
    {
        var (userName, password, _, key) = await auth.RegisterAsync();

        var refused = await auth.PostFormAsync("/auth/connect/token",
            [new("grant_type", "password"), new("username", userName), new("password", password)], AuthFixture.Basic("fleet-cli", AuthFixture.CliSecret));
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = await refused.Content.ReadFromJsonAsync<JsonElement>();
        error.GetProperty("error").GetString().Should().Be("invalid_grant");
        error.GetProperty("error_description").GetString().Should().Contain("not verified");

        (await auth.CreateClient().GetAsync($"/auth/verify?key={key}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await auth.CreateClient().GetAsync($"/auth/verify?key={key}")).StatusCode.Should().Be(HttpStatusCode.BadRequest, "a key is single-use");
        await auth.PasswordTokenAsync(userName, password);
    }

    [Fact]
    public async Task Resend_issues_a_new_key()
    {
        var (userName, password, _, _) = await auth.RegisterAsync();
        var resend = await auth.CreateClient().PostAsJsonAsync("/auth/verify/resend", new { email = $"{userName}@example.test" });
        resend.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var key = (await resend.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("verificationKey").GetString();
        (await auth.CreateClient().PostAsJsonAsync("/auth/verify", new { key })).StatusCode.Should().Be(HttpStatusCode.OK);
        await auth.PasswordTokenAsync(userName, password);
    }

    [Fact]
    public async Task A_weak_password_is_a_400_that_states_the_policy()
    {
        var response = await auth.CreateClient().PostAsJsonAsync("/auth/register", new { userName = "weakling", email = "weak@example.test", password = "short" });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("detail").GetString().Should().Contain("at least 10 characters");
        problem.GetProperty("errors").GetProperty("password").GetArrayLength().Should().BeGreaterThan(0);
    }

    [Theory]
    [InlineData("<img src=x onerror=alert(1)>@example.com")]
    [InlineData("a b@c.d")]
    [InlineData("a@b")]
    [InlineData(".a@b.c")]
    [InlineData("a..b@c.d")]
    [InlineData("a@-b.com")]
    public async Task An_email_address_that_is_not_one_is_a_400_naming_email(string email)
    {
        var response = await auth.CreateClient().PostAsJsonAsync("/auth/register",
            new { userName = $"u{Guid.NewGuid():N}"[..16], email, password = "Correct-Horse-1" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("email").GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task An_email_address_with_a_plus_a_subdomain_and_a_long_tld_registers()
    {
        var response = await auth.CreateClient().PostAsJsonAsync("/auth/register",
            new { userName = $"u{Guid.NewGuid():N}"[..16], email = $"ana.silva+{Guid.NewGuid():N}@mail.example.museum", password = "Correct-Horse-1" });

        response.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_taken_user_name_is_a_409()
    {
        var (userName, _, _) = await auth.NewVerifiedUserAsync();
        var response = await auth.CreateClient().PostAsJsonAsync("/auth/register", new { userName, email = "other@example.test", password = "Correct-Horse-1" });
        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account()
    {
        var (userName, password, _) = await auth.NewVerifiedUserAsync();
        for (var i = 0; i < AuthFixture.MaxFailedAttempts; i++)
        {
            var wrong = await auth.PostFormAsync("/auth/connect/token",
                [new("grant_type", "password"), new("username", userName), new("password", "Wrong-Password-1")], AuthFixture.Basic("fleet-cli", AuthFixture.CliSecret));
            (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString().Should().Be("invalid_grant");
        }

        var locked = await auth.PostFormAsync("/auth/connect/token",
            [new("grant_type", "password"), new("username", userName), new("password", password)], AuthFixture.Basic("fleet-cli", AuthFixture.CliSecret));
        locked.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        // The same answer as a wrong password: the lockout is not revealed.
        (await locked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_description").GetString().Should().Be("Invalid username or password.");
    }

    [Fact]
    public async Task Me_without_a_token_is_a_401_problem_with_a_bearer_challenge()
    {
        var response = await auth.CreateClient().GetAsync("/auth/me");
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().StartWith("Bearer");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task Me_with_a_bad_token_is_a_401_whose_challenge_says_why()
    {
        var client = auth.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not.a.token");

        var response = await client.GetAsync("/auth/me");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        challenge.Should().StartWith("Bearer").And.Contain("error=\"invalid_token\"").And.Contain("error_description=\"");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("detail").GetString().Should().NotBeNullOrEmpty();
    }
}
