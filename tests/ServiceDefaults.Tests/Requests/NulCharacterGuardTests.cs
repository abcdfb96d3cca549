using System.Net;
using System.Text;
using System.Text.Json;
using Fleet.ServiceDefaultsTests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;

namespace Fleet.ServiceDefaultsTests.Requests;

public sealed class NulCharacterGuardTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = TestApp.CreateBuilder();
        builder.AddServiceDefaults();
        _app = builder.Build();
        _app.MapPost("/json", (JsonElement body) => Results.Text(body.GetRawText()));
        _app.MapPost("/form", async (HttpRequest request) => Results.Text((await request.ReadFormAsync())["username"].ToString()));
        _app.MapGet("/query", (string name) => name);
        _app.MapDefaultEndpoints();
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("""{"userName":"a\u0000b"}""", "userName")]
    [InlineData("""{"client":{"name":"\u0000"}}""", "client.name")]
    [InlineData("""{"scopes":["rides:read","x\u0000"]}""", "scopes[1]")]
    [InlineData("""{"na\u0000me":"x"}""", "name")]
    public async Task A_nul_in_a_json_body_is_a_400_problem_naming_the_field(string json, string field)
    {
        var response = await _client.PostAsync("/json", new StringContent(json, Encoding.UTF8, "application/json"));

        await ShouldNameAsync(response, field);
    }

    [Fact]
    public async Task A_nul_in_a_form_field_is_a_400_problem_naming_the_field()
    {
        var response = await _client.PostAsync("/form", new FormUrlEncodedContent([new("grant_type", "password"), new("username", "admin\0")]));

        await ShouldNameAsync(response, "username");
    }

    [Fact]
    public async Task A_nul_in_the_query_is_a_400_problem_naming_the_parameter()
    {
        await ShouldNameAsync(await _client.GetAsync("/query?name=a%00"), "name");
    }

    [Theory]
    [InlineData(16_000)]
    [InlineData(16_361)] // the escape straddles the guard's first read of 16 KiB
    [InlineData(2_000_000)] // beyond what is buffered in memory
    public async Task A_nul_anywhere_in_a_long_json_body_is_found(int padding)
    {
        var json = $$"""{"notes":"{{new string('x', padding)}}","name":"\u0000"}""";

        var response = await _client.PostAsync("/json", new StringContent(json, Encoding.UTF8, "application/json"));

        await ShouldNameAsync(response, "name");
    }

    [Fact]
    public async Task Bodies_without_nul_reach_the_endpoint_intact()
    {
        var json = await _client.PostAsync("/json", new StringContent("""{"name":"caf\u00e9","n":[1,2],"path":"C:\\u0000"}""", Encoding.UTF8, "application/json"));
        var form = await _client.PostAsync("/form", new FormUrlEncodedContent([new("username", "alice")]));

        json.StatusCode.Should().Be(HttpStatusCode.OK);
        (await json.Content.ReadAsStringAsync()).Should().Be("""{"name":"caf\u00e9","n":[1,2],"path":"C:\\u0000"}""");
        (await form.Content.ReadAsStringAsync()).Should().Be("alice");
        (await _client.GetStringAsync("/query?name=bob")).Should().Be("bob");
    }

    private static async Task ShouldNameAsync(HttpResponseMessage response, string field)
    {
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("errors").EnumerateObject().Select(error => error.Name).Should().Equal(field);
        problem.RootElement.GetProperty("traceId").GetString().Should().NotBeNullOrEmpty();
    }
}
