using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.AuthServiceTests.Support;

namespace Fleet.AuthServiceTests;

/// <summary>PostgreSQL refuses NUL in text: each of these was a 500 before ServiceDefaults guarded every request.</summary>
[Collection(AuthCollection.Name)]
public sealed class NulCharacterTests(AuthFixture auth)
{
    [Theory]
    [InlineData("userName")]
    [InlineData("email")]
    public async Task Register_refuses_a_nul_naming_the_field(string field)
    {
        var userName = $"u{Guid.NewGuid():N}"[..16];
        var body = new Dictionary<string, string>
        {
            ["userName"] = userName,
            ["email"] = $"{userName}@example.test",
            ["password"] = "Correct-Horse-1",
        };
        body[field] += "\0";

        await ShouldNameAsync(await auth.CreateClient().PostAsJsonAsync("/auth/register", body), field);
    }

    [Fact]
    public async Task The_token_endpoint_refuses_a_nul_in_the_username()
    {
        var response = await auth.PostFormAsync("/auth/connect/token",
            [new("grant_type", "password"), new("username", "admin\0"), new("password", "x")], AuthFixture.Basic("fleet-cli", AuthFixture.CliSecret));

        await ShouldNameAsync(response, "username");
    }

    [Fact]
    public async Task The_token_endpoint_refuses_a_nul_in_the_client_id()
    {
        var response = await auth.TokenAsync(("grant_type", "client_credentials"), ("client_id", "xrides\0"), ("client_secret", "x"));

        await ShouldNameAsync(response, "client_id");
    }

    [Fact]
    public async Task Creating_an_api_key_refuses_a_nul_in_its_name()
    {
        var (userName, password, _) = await auth.NewVerifiedUserAsync();
        var user = auth.BearerClient((await auth.PasswordTokenAsync(userName, password)).GetProperty("access_token").GetString()!);

        var response = await user.PostAsJsonAsync("/auth/keys", new { name = "uploader\0", scopes = new[] { "audit:write" } });

        await ShouldNameAsync(response, "name");
    }

    private static async Task ShouldNameAsync(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, body);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        using var problem = JsonDocument.Parse(body);
        problem.RootElement.GetProperty("errors").EnumerateObject().Select(error => error.Name).Should().Equal(field);
    }
}
