using Fleet.AppHost.Hosting.Testing;
using System.Net;
using System.Net.Sockets;
using Fleet.AppHost.Hosting;


namespace Fleet.AppHost.Tests;

/// <summary>Start-up and supervision, with small local programs standing in for services.</summary>
public sealed class StartUpTests
{
    [Fact]
    public async Task A_resource_that_never_becomes_healthy_stops_start_up_with_a_clear_error_and_nothing_left_running()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        var stuck = builder.AddExecutable("stuck", "sleep", "300")
            .WithHttpHealthCheck(new Uri($"http://127.0.0.1:{ClosedPort()}/health"))
            .WithStartTimeout(TimeSpan.FromSeconds(2));
        builder.AddExecutable("dependent", "sleep", "300").WaitFor(stuck);
        await using var app = builder.Build();

        var start = () => app.StartAsync();

        var error = await start.Should().ThrowAsync<DistributedApplicationException>();
        error.Which.Message.Should().Contain("'stuck' did not become healthy within 2 s").And.Contain("/health");
        var snapshots = app.Snapshots();
        snapshots.Single(s => s.Name == "stuck").State.Should().Be(ResourceState.Stopped);
        snapshots.Single(s => s.Name == "dependent").Pid.Should().BeNull("it waits for a resource that never became healthy");
        app.StartedProcessIds().Should().ContainSingle().Which.Should().Match(pid => !ProcessTable.IsAlive(pid));
    }

    [Fact]
    public async Task A_program_that_keeps_crashing_stops_start_up_showing_its_last_output()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddExecutable("crashy", "sh", "-c", "echo cannot open the widget file; exit 3")
            .WithHttpHealthCheck(new Uri($"http://127.0.0.1:{ClosedPort()}/health"));
        await using var app = builder.Build();

        var start = () => app.StartAsync();

        var error = await start.Should().ThrowAsync<DistributedApplicationException>();
        error.Which.Message.Should().Contain("'crashy' exited 3 times").And.Contain("cannot open the widget file");
    }

    [Fact]
    public async Task A_fixed_port_in_use_stops_start_up_before_anything_runs()
    {
        using var occupier = new TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        var port = ((IPEndPoint)occupier.LocalEndpoint).Port;
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.Options.RandomizePorts = false;
        builder.AddRedis("redis");
        builder.AddProject<Projects.Gateway>("gateway").WithHttpEndpoint(port);
        await using var app = builder.Build();

        var start = () => app.StartAsync();

        (await start.Should().ThrowAsync<DistributedApplicationException>()).Which.Message.Should().Contain($"Port {port} for 'gateway' is in use");
        app.StartedProcessIds().Should().BeEmpty();
    }

    [Fact]
    public async Task A_process_that_dies_is_restarted()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddExecutable("sleeper", "sleep", "300");
        await using var app = builder.Build();
        await app.StartAsync();
        var firstPid = app.Snapshots().Single().Pid!.Value;

        ProcessTable.Kill(firstPid);

        var restarted = await Eventually(() => app.Snapshots().Single() is { Pid: { } pid, Restarts: 1 } && pid != firstPid);
        restarted.Should().BeTrue("the supervisor restarts a program that exits");
        await app.StopAsync();
        app.StartedProcessIds().Should().HaveCount(2).And.OnlyContain(pid => !ProcessTable.IsAlive(pid));
    }

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(100);
        }
        return condition();
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
