using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.SchedulerServiceTests.Support;
using Fleet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fleet.SchedulerServiceTests.Jobs;

[Collection(SchedulerCollection.Name)]
public sealed class HttpJobTests(SchedulerFixture fleet) : IAsyncLifetime
{
    private const string Job = "call-a-service";
    private const string Scope = "test:maintain";
    private WebApplication _target = null!;

    /// <summary>What the called service answers, in order; each request it received, with its headers.</summary>
    private readonly ConcurrentQueue<IResult> _answers = new();
    private readonly ConcurrentQueue<(string Authorization, string Job)> _received = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _target = builder.Build();
        _target.MapPost("/maintenance/run", (HttpContext context) =>
        {
            _received.Enqueue((context.Request.Headers.Authorization.ToString(), context.Request.Headers["X-Fleet-Job"].ToString()));
            return _answers.TryDequeue(out var answer) ? answer : Results.StatusCode(500);
        });
        await _target.StartAsync();
    }

    [Fact]
    public async Task Each_run_calls_the_route_with_a_service_token_reused_until_refused_and_records_the_answer()
    {
        fleet.Auth.TokenKey = fleet.Key;
        fleet.Auth.ClientScopes.Add(Scope);
        _answers.Enqueue(Results.Json(new { processed = 7 }));                                 // the catch-up run at start
        _answers.Enqueue(Results.Problem(title: "Store unavailable", statusCode: 503));
        _answers.Enqueue(Results.StatusCode(401));
        _answers.Enqueue(Results.NoContent());
        var tokensBefore = fleet.Auth.TokenRequests;
        await using var service = fleet.CreateFactory(Job, "0 0 1 1 *", job: null, settings:
        [
            ($"Scheduler:Jobs:{Job}:Http:Url", $"{_target.Urls.Single()}/maintenance/run"),
            ($"Scheduler:Jobs:{Job}:Http:Scope", Scope),
            ("Auth:ClientId", FakeAuthServer.IntrospectingClient),
            ("Auth:ClientSecret", FakeAuthServer.IntrospectingSecret),
        ]);
        var client = fleet.Client("jobs:admin", service);

        var outcomes = new List<JsonElement> { await LatestRunAsync(client) };
        for (var run = 0; run < 3; run++)
        {
            var started = await client.PostAsync($"/jobs/{Job}/run", null);
            var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("run_id").GetGuid();
            outcomes.Add(await fleet.FinishedRunAsync(client, runId, Job));
        }

        outcomes.Select(run => run.GetProperty("outcome").GetString()).Should().Equal("succeeded", "failed", "failed", "succeeded");
        outcomes[0].GetProperty("items").GetInt32().Should().Be(7, "the answer's processed count is the run's");
        outcomes[1].GetProperty("error").GetString().Should().Contain("503").And.Contain("Store unavailable");
        var sent = _received.Select(request => request.Authorization).ToArray();
        var issued = fleet.Auth.IssuedTokens.TakeLast(2).Select(token => $"Bearer {token}").ToArray();
        sent.Should().Equal([issued[0], issued[0], issued[0], issued[1]], "a token is reused until a call with it is refused");
        (fleet.Auth.TokenRequests - tokensBefore).Should().Be(2);
        _received.Select(request => request.Job).Should().AllBe(Job);
    }

    [Fact]
    public async Task A_token_the_scheduler_may_not_have_fails_the_run_without_calling_the_service()
    {
        fleet.Auth.TokenKey = fleet.Key;
        await using var service = fleet.CreateFactory("call-beyond-its-scopes", "0 0 1 1 *", job: null, settings:
        [
            ("Scheduler:Jobs:call-beyond-its-scopes:Http:Url", $"{_target.Urls.Single()}/maintenance/run"),
            ("Scheduler:Jobs:call-beyond-its-scopes:Http:Scope", "admin"),
            ("Auth:ClientId", FakeAuthServer.IntrospectingClient),
            ("Auth:ClientSecret", FakeAuthServer.IntrospectingSecret),
        ]);

        var run = await LatestRunAsync(fleet.Client("jobs:admin", service), "call-beyond-its-scopes");

        run.GetProperty("outcome").GetString().Should().Be("failed");
        run.GetProperty("error").GetString().Should().Contain("invalid_scope");
        _received.Should().BeEmpty();
    }

    /// <summary>The job's newest run, once it has ended: at start, the catch-up of the occurrence it never ran.</summary>
    private async Task<JsonElement> LatestRunAsync(HttpClient client, string job = Job)
    {
        JsonElement[] runs = [];
        for (var attempt = 0; attempt < 100 && runs.Length == 0; attempt++, await Task.Delay(100))
        {
            runs = [.. (await client.GetFromJsonAsync<JsonElement>($"/jobs/{job}/runs")).EnumerateArray()];
        }
        runs.Should().NotBeEmpty("the job catches up at start");
        return await fleet.FinishedRunAsync(client, runs[0].GetProperty("id").GetGuid(), job);
    }

    public async Task DisposeAsync() => await _target.DisposeAsync();
}
