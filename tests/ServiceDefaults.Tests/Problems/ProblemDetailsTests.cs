using System.Net.Http.Headers;
using System.Net;
using System.Text.Json;
using System.Text;
using Fleet.ServiceDefaultsTests.Support;
using Fleet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Fleet.ServiceDefaultsTests.Problems;

public sealed class ProblemDetailsTests : IAsyncLifetime
{
    private const string Secret = "connection to 10.1.2.3 failed for user admin";

    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = TestApp.CreateBuilder();
        builder.AddServiceDefaults();
        _app = builder.Build();
        _app.MapGet("/boom", string () => throw new InvalidOperationException(Secret));
        _app.MapGet("/bad", string () => throw new BadHttpRequestException("The id is malformed."));
        _app.MapGet("/database-down", async () =>
        {
            await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={LoopbackPort.Unused()};Username=x;Password=y;Timeout=2");
            await connection.OpenAsync();
            return "unreachable";
        });
        _app.MapPost("/rides", (Ride ride) => Results.Ok(ride));
        _app.MapDefaultEndpoints();
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_unhandled_exception_is_a_500_problem_without_exception_details()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/boom");
        request.Headers.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        var response = await _client.SendAsync(request);

        var problem = await ProblemAsync(response, HttpStatusCode.InternalServerError);
        problem.GetProperty("title").GetString().Should().NotBeNullOrEmpty();
        problem.GetProperty("traceId").GetString().Should().Be("4bf92f3577b34da6a3ce929d0e0e4736");
        problem.GetProperty("instance").GetString().Should().Be("/boom");
        var text = problem.GetRawText();
        text.Should().NotContain(Secret).And.NotContain("InvalidOperationException").And.NotContain(" at ");
    }

    [Fact]
    public async Task A_database_that_cannot_be_reached_is_a_503_problem_with_retry_after_not_a_500()
    {
        var response = await _client.GetAsync("/database-down");

        await ProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        var response = await _client.PostAsync("/rides", new StringContent("{\"id\": 1,", Encoding.UTF8, "application/json"));

        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_thrown_bad_request_is_a_400_problem()
    {
        var response = await _client.GetAsync("/bad");

        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Unknown_routes_and_wrong_methods_are_problems()
    {
        await ProblemAsync(await _client.GetAsync("/nowhere"), HttpStatusCode.NotFound);
        await ProblemAsync(await _client.DeleteAsync("/rides"), HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Valid_requests_are_untouched()
    {
        var response = await _client.PostAsync("/rides", new StringContent("{\"id\": 1}", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("{\"id\":1}");
    }

    [Fact]
    public async Task In_development_malformed_json_is_still_a_400_problem()
    {
        // Development makes minimal APIs throw BadHttpRequestException instead of answering 400 themselves.
        var builder = TestApp.CreateBuilder(environment: "Development");
        builder.AddServiceDefaults();
        await using var app = builder.Build();
        app.MapPost("/rides", (Ride ride) => Results.Ok(ride));
        await app.StartAsync();

        var response = await app.GetTestClient().PostAsync("/rides", new StringContent("{\"id\": 1,", Encoding.UTF8, "application/json"));

        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/html")]
    [InlineData("*/*")]
    public async Task In_development_an_exception_is_a_500_problem_without_the_exception_or_the_headers(string accept)
    {
        var builder = TestApp.CreateBuilder(environment: "Development");
        builder.AddServiceDefaults();
        await using var app = builder.Build();
        app.MapGet("/boom", string () => throw new InvalidOperationException(Secret));
        await app.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/boom");
        request.Headers.Add("Accept", accept);
        request.Headers.Add("Authorization", "Bearer secret-access-token");
        request.Headers.Add("Cookie", "session=secret-cookie");

        var response = await app.GetTestClient().SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        var text = await response.Content.ReadAsStringAsync();
        text.Should().NotContain(Secret).And.NotContain("InvalidOperationException").And.NotContain(" at ")
            .And.NotContain("secret-access-token").And.NotContain("secret-cookie");
        if (accept != "text/html")
        {
            await ProblemAsync(response, HttpStatusCode.InternalServerError);
        }
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.Should().Be(status);
        response.Content.Headers.ContentType.Should().Be(MediaTypeHeaderValue.Parse("application/problem+json"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var problem = json.RootElement.Clone();
        problem.GetProperty("status").GetInt32().Should().Be((int)status);
        problem.GetProperty("type").GetString().Should().StartWith("https://");
        problem.GetProperty("traceId").GetString().Should().MatchRegex("^[0-9a-f]{32}$");
        return problem;
    }

    public sealed record Ride(int Id);
}
