using System.Net;
using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Fleet.AppHost.Lifecycle;
using Fleet.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.AppHost.Tests;

/// <summary>What the AppHost adds to Aspire's lifecycle: restarts after a crash, and the fixed-port check.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task A_process_that_dies_is_restarted_and_counted_and_one_stopped_on_purpose_stays_stopped()
    {
        using var data = new TestDataDirectory();
        var builder = TestServers.CreateBuilder("--DataDirectory", data.Path);
        builder.AddCrashRestarts();
        builder.AddExecutable("sleeper", "sleep", "/tmp", "600")
            .WithRestartOnCrash(new RestartOnCrashAnnotation { FirstDelay = TimeSpan.FromMilliseconds(100) });
        await using var app = builder.Build();
        await app.StartAsync();
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        var first = ProcessTree.PidOf((await notifications.WaitForResourceAsync("sleeper", e => ProcessTree.PidOf(e.Snapshot) is not null)
            .WaitAsync(TimeSpan.FromSeconds(30))).Snapshot)!.Value;

        ProcessTree.Kill(first);

        var restarted = await notifications.WaitForResourceAsync("sleeper", e =>
                e.Snapshot.State?.Text == KnownResourceStates.Running
                && e.Snapshot.Properties.Any(p => p.Name == "fleet.restarts" && $"{p.Value}" == "1"))
            .WaitAsync(TimeSpan.FromSeconds(30));
        var second = await notifications.WaitForResourceAsync("sleeper", e =>
            e.Snapshot.State?.Text == KnownResourceStates.Running && ProcessTree.PidOf(e.Snapshot) is { } pid && pid != first)
            .WaitAsync(TimeSpan.FromSeconds(30));
        ProcessTree.IsAlive(ProcessTree.PidOf(second.Snapshot)!.Value).Should().BeTrue();
        restarted.Snapshot.Properties.Should().Contain(p => p.Name == "fleet.restarts");

        var stop = await app.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(second.ResourceId, KnownResourceCommands.StopCommand);
        stop.Success.Should().BeTrue(stop.Message);
        await notifications.WaitForResourceAsync("sleeper", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text)).WaitAsync(TimeSpan.FromSeconds(30));
        // A restart would come 100 ms after the exit; twenty times that passes without one.
        await Task.Delay(TimeSpan.FromSeconds(2));
        notifications.TryGetCurrentState("sleeper", out var after).Should().BeTrue();
        after!.Snapshot.State?.Text.Should().NotBe(KnownResourceStates.Running, "a process stopped on purpose is not a crash");
    }

    [Fact]
    public async Task A_process_that_fails_as_it_starts_is_restarted_again_and_again()
    {
        using var data = new TestDataDirectory();
        var builder = TestServers.CreateBuilder("--DataDirectory", data.Path);
        builder.AddCrashRestarts();
        builder.AddExecutable("crasher", "sh", "/tmp", "-c", "exit 3")
            .WithRestartOnCrash(new RestartOnCrashAnnotation { FirstDelay = TimeSpan.FromMilliseconds(100) });
        await using var app = builder.Build();

        await app.StartAsync();

        await app.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceAsync("crasher",
                e => e.Snapshot.Properties.Any(p => p.Name == "fleet.restarts" && $"{p.Value}" == "2"))
            .WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_fixed_port_in_use_stops_start_up_naming_the_port_before_anything_runs()
    {
        using var occupier = new TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        var port = ((IPEndPoint)occupier.LocalEndpoint).Port;
        using var data = new TestDataDirectory();
        var builder = TestServers.CreateBuilder("--DataDirectory", data.Path);
        builder.AddFixedPortCheck();
        builder.AddExecutable("web", "sleep", "/tmp", "600").WithHttpEndpoint(port: port, isProxied: false);
        await using var app = builder.Build();

        var start = () => app.StartAsync();

        var error = await start.Should().ThrowAsync<Exception>();
        error.Which.ToString().Should().Contain($"Port {port} (web) is already in use");
        ProcessTree.PidOf(app, "web").Should().BeNull("nothing starts when a fixed port is taken");
    }
}
