using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fleet.Gateway.Tests;

public sealed class SystemHealthTests
{
    private static readonly string[] Services = ["auth", "ingest", "files", "audit", "scheduler"];

    /// <summary>A service's /health the way ServiceDefaults writes it.</summary>
    private static Task<TestBackend> StartHealthBackendAsync(int status, string report, TimeSpan delay = default) =>
        TestBackend.StartAsync(app => app.MapGet("/health", async (HttpContext context) =>
        {
            await Task.Delay(delay, context.RequestAborted);
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new { status = report });
        }));

    [Fact]
    public async Task Answers_200_when_every_service_is_healthy()
    {
        await using var healthy = await StartHealthBackendAsync(200, "Healthy");
        await using var alsoHealthy = await StartHealthBackendAsync(200, "Healthy");
        var services = Services.ToDictionary(s => s, _ => new[] { healthy.Url });
        services["ingest"] = [healthy.Url, alsoHealthy.Url];
        await using var gateway = GatewayApp.Start(services);

        var response = await gateway.Client.GetAsync("/health");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        report.GetProperty("status").GetString().Should().Be("Healthy");
        var reported = report.GetProperty("services");
        foreach (var service in Services)
        {
            reported.GetProperty(service).GetProperty("status").GetString().Should().Be("Healthy");
        }

        var ingestReplicas = reported.GetProperty("ingest").GetProperty("replicas");
        ingestReplicas.EnumerateArray().Select(replica => replica.GetProperty("name").GetString())
            .Should().BeEquivalentTo(["ingest-0", "ingest-1"], "each address service discovery gave is a replica");
        reported.GetProperty("auth").GetProperty("replicas")[0].GetProperty("name").GetString().Should().Be("auth");
        report.ToString().Should().NotContain("127.0.0.1", "the report is public: it names replicas, never their addresses");
    }

    [Fact]
    public async Task Answers_503_listing_which_service_is_down_and_does_not_wait_for_a_hung_one()
    {
        await using var healthy = await StartHealthBackendAsync(200, "Healthy");
        await using var failing = await StartHealthBackendAsync(503, "Unhealthy");
        await using var hung = await StartHealthBackendAsync(200, "Healthy", TimeSpan.FromSeconds(30));
        var services = Services.ToDictionary(s => s, _ => new[] { healthy.Url });
        services["audit"] = [failing.Url];
        services["ingest"] = [healthy.Url, ClosedPort.Url()];
        services["scheduler"] = [hung.Url];
        await using var gateway = GatewayApp.Start(services, new Dictionary<string, string?> { ["Gateway:Health:Timeout"] = "00:00:00.500" });

        var clock = Stopwatch.StartNew();
        var response = await gateway.Client.GetAsync("/health");

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        report.GetProperty("status").GetString().Should().Be("Unhealthy");
        var reported = report.GetProperty("services");
        reported.GetProperty("auth").GetProperty("status").GetString().Should().Be("Healthy");
        reported.GetProperty("audit").GetProperty("status").GetString().Should().Be("Unhealthy");
        reported.GetProperty("audit").GetProperty("replicas")[0].GetProperty("error").GetString().Should().Be("HTTP 503");
        reported.GetProperty("scheduler").GetProperty("status").GetString().Should().Be("Unhealthy");
        reported.GetProperty("scheduler").GetProperty("replicas")[0].GetProperty("error").GetString().Should().Contain("no answer");
        // One replica of two still serves: the service works, degraded.
        reported.GetProperty("ingest").GetProperty("status").GetString().Should().Be("Degraded");
    }

    [Fact]
    public async Task A_degraded_service_keeps_the_system_answering_200()
    {
        await using var healthy = await StartHealthBackendAsync(200, "Healthy");
        await using var degraded = await StartHealthBackendAsync(200, "Degraded");
        var services = Services.ToDictionary(s => s, _ => new[] { healthy.Url });
        services["files"] = [degraded.Url];
        await using var gateway = GatewayApp.Start(services);

        var response = await gateway.Client.GetAsync("/health");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        report.GetProperty("status").GetString().Should().Be("Degraded");
        report.GetProperty("services").GetProperty("files").GetProperty("status").GetString().Should().Be("Degraded");
    }

    [Fact]
    public async Task Answers_for_one_service()
    {
        await using var healthy = await StartHealthBackendAsync(200, "Healthy");
        await using var failing = await StartHealthBackendAsync(503, "Unhealthy");
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["auth"] = [healthy.Url], ["audit"] = [failing.Url] });

        var auth = await gateway.Client.GetAsync("/health/auth");
        var audit = await gateway.Client.GetAsync("/health/audit");

        auth.StatusCode.Should().Be(HttpStatusCode.OK);
        var report = await auth.Content.ReadFromJsonAsync<JsonElement>();
        report.GetProperty("service").GetString().Should().Be("auth");
        report.GetProperty("status").GetString().Should().Be("Healthy");
        audit.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Unknown_service_is_a_404_problem()
    {
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]>());

        var response = await gateway.Client.GetAsync("/health/nonesuch");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().Should().Be(404);
        problem.GetProperty("service").GetString().Should().Be("nonesuch");
    }

    [Fact]
    public async Task The_gateways_own_liveness_stays_at_alive()
    {
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]>());

        var response = await gateway.Client.GetAsync("/alive");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
