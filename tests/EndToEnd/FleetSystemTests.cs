using System.Net;
using System.Text.Json;
using Fleet.AppHost.Hosting;
using Fleet.AppHost.Hosting.Testing;
using Xunit.Abstractions;

namespace Fleet.EndToEnd;

/// <summary>The whole system, started through the AppHost's testing entry point and reached through the gateway.</summary>
public sealed class FleetSystemTests(ITestOutputHelper output)
{
    private static readonly string[] Services = ["auth", "ingest", "files", "audit", "scheduler"];

    [Fact]
    public async Task The_whole_system_starts_healthy_survives_a_crashed_service_and_leaves_nothing_running()
    {
        var app = await DistributedApplicationTestingBuilder.CreateAsync<Program>();
        IReadOnlyList<int> started;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            await app.StartAsync(timeout.Token);
            using var gateway = new HttpClient { BaseAddress = app.GetEndpoint("gateway"), Timeout = TimeSpan.FromSeconds(30) };

            await EveryServiceIsHealthyThroughTheGateway(gateway);
            await AKilledServiceIsRestartedAndServesAgain(app, gateway);
        }
        catch
        {
            foreach (var snapshot in app.Snapshots())
            {
                output.WriteLine($"{snapshot}");
                output.WriteLine(string.Join(Environment.NewLine, app.GetOutput(snapshot.Name, 20)));
            }
            throw;
        }
        finally
        {
            started = app.StartedProcessIds();
            await app.DisposeAsync();
        }

        started.Should().NotBeEmpty();
        started.Where(ProcessTable.IsAlive).Should().BeEmpty("disposing the app stops every process it started");
        ProcessTable.MembersOfGroups(started.ToHashSet()).Should().BeEmpty("nothing those processes started may outlive them");
    }

    private static async Task EveryServiceIsHealthyThroughTheGateway(HttpClient gateway)
    {
        using var response = await gateway.GetAsync("/health");
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        foreach (var service in Services)
        {
            body.Should().Contain(service);
            using var one = await gateway.GetAsync($"/health/{service}");
            one.StatusCode.Should().Be(HttpStatusCode.OK, $"{service} reports healthy through the gateway: {await one.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task AKilledServiceIsRestartedAndServesAgain(DistributedApplication app, HttpClient gateway)
    {
        var before = app.Snapshots().Single(s => s.Name == "audit");

        ProcessTable.Kill(before.Pid!.Value);

        var restarted = false;
        for (var i = 0; i < 300 && !restarted; i++)
        {
            await Task.Delay(100);
            restarted = app.Snapshots().Single(s => s.Name == "audit") is { Pid: { } pid, Restarts: >= 1, Health: HealthStatus.Healthy } && pid != before.Pid;
        }
        restarted.Should().BeTrue("the AppHost restarts a service whose process died, and it becomes healthy again");
        using var response = await gateway.GetAsync("/health/audit");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
