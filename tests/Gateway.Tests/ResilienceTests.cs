using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fleet.Gateway.Tests;

public sealed class ResilienceTests
{
    private static Task<TestBackend> StartNamedBackendAsync(string name, List<string>? bodies = null) => TestBackend.StartAsync(app =>
        app.Map("/rides/{**rest}", async (HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            lock (bodies ?? [])
            {
                bodies?.Add(body);
            }

            return name;
        }));

    [Fact]
    public async Task Backend_down_answers_502_problem_json()
    {
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["ingest"] = [ClosedPort.Url(), ClosedPort.Url()] });

        var response = await gateway.Client.GetAsync("/rides/1");

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().Should().Be(502);
        problem.GetProperty("title").GetString().Should().Be("Bad Gateway");
        problem.GetProperty("type").GetString().Should().Contain("rfc9110");
        problem.GetProperty("detail").GetString().Should().Contain("ingest");
        problem.GetProperty("service").GetString().Should().Be("ingest");
        response.Headers.Contains("X-Request-Id").Should().BeTrue();
    }

    [Fact]
    public async Task A_service_that_stays_down_is_warned_about_once_per_reactivation_period_not_per_request()
    {
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["ingest"] = [ClosedPort.Url()] });

        for (var i = 0; i < 5; i++)
        {
            (await gateway.Client.GetAsync("/rides/1")).StatusCode.Should().Be(HttpStatusCode.BadGateway);
        }

        gateway.Logs.AtLeast(LogLevel.Warning).Should().ContainSingle().Which.Message.Should().Contain("refused the connection");
    }

    [Fact]
    public async Task Slow_backend_answers_504_problem_json_after_the_routes_timeout()
    {
        var backendSawAbort = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await TestBackend.StartAsync(app => app.MapGet("/rides/slow", async (HttpContext context) =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                backendSawAbort.TrySetResult();
            }
        }));
        await using var gateway = GatewayApp.Start(
            new Dictionary<string, string[]> { ["ingest"] = [backend.Url] },
            new Dictionary<string, string?> { ["ReverseProxy:Routes:rides:Timeout"] = "00:00:00.500" });

        var clock = Stopwatch.StartNew();
        var response = await gateway.Client.GetAsync("/rides/slow");

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        response.StatusCode.Should().Be(HttpStatusCode.GatewayTimeout);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().Should().Be(504);
        problem.GetProperty("title").GetString().Should().Be("Gateway Timeout");
        problem.GetProperty("service").GetString().Should().Be("ingest");
        await backendSawAbort.Task.WaitAsync(TimeSpan.FromSeconds(5)); // the gateway gave up on the backend call too
    }

    [Fact]
    public async Task The_routes_timeout_covers_the_wait_for_the_headers_not_a_long_body()
    {
        await using var backend = await TestBackend.StartAsync(app => app.MapGet("/rides/export", async (HttpContext context) =>
        {
            await context.Response.WriteAsync("start;");
            await context.Response.Body.FlushAsync();
            for (var i = 0; i < 6; i++)
            {
                await Task.Delay(200, context.RequestAborted);
                await context.Response.WriteAsync("more;");
            }
        }));
        await using var gateway = GatewayApp.Start(
            new Dictionary<string, string[]> { ["ingest"] = [backend.Url] },
            new Dictionary<string, string?> { ["ReverseProxy:Routes:rides:Timeout"] = "00:00:00.500" });

        var clock = Stopwatch.StartNew();
        var body = await gateway.Client.GetStringAsync("/rides/export");

        clock.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(1), "the body took longer than the route's timeout");
        body.Should().Be("start;" + string.Concat(Enumerable.Repeat("more;", 6)));
    }

    [Fact]
    public async Task Replicas_take_turns()
    {
        await using var first = await StartNamedBackendAsync("first");
        await using var second = await StartNamedBackendAsync("second");
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["ingest"] = [first.Url, second.Url] });

        var answers = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await gateway.Client.GetStringAsync("/rides/who"));
        }

        answers.Should().OnlyContain(answer => answer == "first" || answer == "second");
        answers.Zip(answers.Skip(1)).Should().OnlyContain(pair => pair.First != pair.Second, "round robin alternates between the two");
    }

    [Fact]
    public async Task A_refusing_replica_is_skipped_and_the_request_retried_on_the_next_even_with_a_body()
    {
        var received = new List<string>();
        await using var live = await StartNamedBackendAsync("live", received);
        await using var gateway = GatewayApp.Start(
            // The refusing replica comes first, so the very first request meets it.
            new Dictionary<string, string[]> { ["ingest"] = [ClosedPort.Url(), live.Url] },
            new Dictionary<string, string?> { ["ReverseProxy:Clusters:ingest:HealthCheck:Passive:ReactivationPeriod"] = "00:01:00" });

        for (var i = 0; i < 6; i++)
        {
            var response = await gateway.Client.PostAsync("/rides", new StringContent($"ride {i}"));
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).Should().Be("live");
        }

        received.Should().Equal(Enumerable.Range(0, 6).Select(i => $"ride {i}"));
        gateway.Logs.Entries.Count(e => e.Message.Contains("refused the connection")).Should().Be(1, "the refusing replica is left out after its first refusal");
    }

    [Fact]
    public async Task A_left_out_replica_is_tried_again_after_its_reactivation_period()
    {
        await using var live = await StartNamedBackendAsync("live");
        await using var gateway = GatewayApp.Start(
            new Dictionary<string, string[]> { ["ingest"] = [ClosedPort.Url(), live.Url] },
            new Dictionary<string, string?> { ["ReverseProxy:Clusters:ingest:HealthCheck:Passive:ReactivationPeriod"] = "00:00:00.300" });

        await gateway.Client.GetStringAsync("/rides/1");
        await gateway.Client.GetStringAsync("/rides/2");
        await Task.Delay(TimeSpan.FromMilliseconds(400));
        await gateway.Client.GetStringAsync("/rides/3");
        await gateway.Client.GetStringAsync("/rides/4");

        gateway.Logs.Entries.Count(e => e.Message.Contains("refused the connection")).Should().Be(2);
    }

    [Fact]
    public async Task Caller_aborting_a_streamed_response_logs_no_warning_and_releases_the_backend()
    {
        var backendSawAbort = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await TestBackend.StartAsync(app => app.MapGet("/rides/feed", async (HttpContext context) =>
        {
            try
            {
                while (true)
                {
                    await context.Response.WriteAsync("tick\n", context.RequestAborted);
                    await Task.Delay(20, context.RequestAborted);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                backendSawAbort.TrySetResult();
            }
        }));
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["ingest"] = [backend.Url] });

        using (var response = await gateway.Client.GetAsync("/rides/feed", HttpCompletionOption.ResponseHeadersRead))
        {
            var body = await response.Content.ReadAsStreamAsync();
            (await body.ReadAsync(new byte[5])).Should().BeGreaterThan(0);
        }

        await backendSawAbort.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await gateway.Completed.WaitForAsync("/rides/feed", TimeSpan.FromSeconds(10));
        gateway.Logs.AtLeast(LogLevel.Warning).Should().BeEmpty();
    }

    [Fact]
    public async Task Caller_aborting_while_the_backend_thinks_logs_no_warning_and_releases_the_backend()
    {
        var backendStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var backendSawAbort = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await TestBackend.StartAsync(app => app.MapGet("/rides/think", async (HttpContext context) =>
        {
            backendStarted.TrySetResult();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                backendSawAbort.TrySetResult();
            }
        }));
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["ingest"] = [backend.Url] });

        using var cancel = new CancellationTokenSource();
        var call = gateway.Client.GetAsync("/rides/think", cancel.Token);
        await backendStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cancel.CancelAsync();

        await call.Invoking(c => c).Should().ThrowAsync<OperationCanceledException>();
        await backendSawAbort.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await gateway.Completed.WaitForAsync("/rides/think", TimeSpan.FromSeconds(10));
        gateway.Logs.AtLeast(LogLevel.Warning).Should().BeEmpty();
    }
}
