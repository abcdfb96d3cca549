using System.Net;
using Aspire.Hosting;
using Fleet.EndToEnd.Support;
using Fleet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Fleet.EndToEnd;

/// <summary>The whole system on the real AppHost, reached through the gateway: healthy, self-healing, and gone when stopped.</summary>
public sealed class FleetSystemTests(ITestOutputHelper output)
{
    private static readonly string[] ServiceNames = ["auth", "ingest", "files", "audit", "scheduler"];

    [Fact]
    public async Task The_whole_system_starts_healthy_survives_a_crashed_service_and_leaves_nothing_running()
    {
        var fleet = new FleetSystem();
        IReadOnlySet<int> started;
        try
        {
            await fleet.InitializeAsync();
            await EveryServiceIsHealthyThroughTheGateway(fleet.Gateway);
            ServicesExportTelemetryToTheDashboardWithoutRetrying(fleet);
            await AKilledServiceIsRestartedAndServesAgain(fleet);
        }
        catch
        {
            output.WriteLine(AppState.Describe(fleet.App));
            throw;
        }
        finally
        {
            started = ProcessesOf();
            await fleet.DisposeAsync();
        }

        started.Should().NotBeEmpty();
        (await ProcessTree.WaitForExitAsync(started, TimeSpan.FromSeconds(20)))
            .Should().BeEmpty("disposing the app stops every process it started, and everything those started");
    }

    private static async Task EveryServiceIsHealthyThroughTheGateway(HttpClient gateway)
    {
        using var response = await gateway.GetAsync("/health");
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        foreach (var service in ServiceNames)
        {
            body.Should().Contain(service);
            using var one = await gateway.GetAsync($"/health/{service}");
            one.StatusCode.Should().Be(HttpStatusCode.OK, $"{service} reports healthy through the gateway: {await one.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>
    /// The dashboard stops alongside the services; a service told to retry would retry it until the export timeout, for
    /// traces, metrics and logs in turn, before it could exit: seconds added to every stop (bench/apphost measures it).
    /// </summary>
    private static void ServicesExportTelemetryToTheDashboardWithoutRetrying(FleetSystem fleet)
    {
        var environment = File.ReadAllText($"/proc/{ServiceProcess(fleet)}/environ").Split('\0');

        environment.Should().Contain(variable => variable.StartsWith("OTEL_EXPORTER_OTLP_ENDPOINT="))
            .And.NotContain(variable => variable.StartsWith("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY="));
    }

    private static async Task AKilledServiceIsRestartedAndServesAgain(FleetSystem fleet)
    {
        // The service itself, not the 'dotnet run' that DCP starts it with.
        var service = ServiceProcess(fleet);

        ProcessTree.Kill(service);

        await fleet.App.ResourceNotifications.WaitForResourceAsync("audit",
            e => e.Snapshot.Properties.Any(p => p.Name == "fleet.restarts" && $"{p.Value}" == "1"))
            .WaitAsync(TimeSpan.FromMinutes(1));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await fleet.WaitUntilEveryServiceIsHealthyAsync(timeout.Token);
        ProcessTree.IsAlive(service).Should().BeFalse();
        ServiceProcess(fleet).Should().NotBe(service, "a new process runs the service");
        using var response = await fleet.Gateway.GetAsync("/health/audit");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static int ServiceProcess(FleetSystem fleet)
    {
        var wrapper = ProcessTree.PidOf(fleet.App, "audit") ?? throw new InvalidOperationException("audit reports no process id");
        return ProcessTree.DescendantsOf(wrapper).Single(pid => ProcessTree.Describe(pid).Contains("Fleet.AuditService"));
    }

    /// <summary>The orchestrator (DCP, which watches this test process), the dashboard, every server and service, and all they started.</summary>
    private static IReadOnlySet<int> ProcessesOf() =>
        System.Diagnostics.Process.GetProcesses()
            .Where(p => ProcessTree.Describe(p.Id) is var command && command.Contains("/dcp ") && command.Contains($"--monitor {Environment.ProcessId} "))
            .SelectMany(p => ProcessTree.DescendantsOf(p.Id).Append(p.Id))
            .ToHashSet();
}
