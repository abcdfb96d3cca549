using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.AppHost.Lifecycle;

/// <summary>
/// Aspire leaves a process that died as Exited. This watches the resource notifications and, for a resource marked
/// <see cref="RestartOnCrashAnnotation"/> that reached Exited or Finished on its own, while running or still starting
/// (a stop asked for passes through Stopping first), runs Aspire's restart command after a doubling delay. Each restart is written to
/// the resource's console log and counted in its <c>fleet.restarts</c> property, both visible in the dashboard.
/// </summary>
internal sealed class CrashRestarter(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService logs,
    IHostApplicationLifetime lifetime,
    TimeProvider time) : BackgroundService
{
    public const string RestartsProperty = "fleet.restarts";

    private readonly ConcurrentDictionary<string, Crashes> _crashes = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = new Dictionary<string, (string? State, bool StoppedOnPurpose, DateTime? HandledStop)>();
        await foreach (var change in notifications.WatchAsync(stoppingToken))
        {
            var state = change.Snapshot.State?.Text;
            last.TryGetValue(change.ResourceId, out var seen);
            var terminal = state == KnownResourceStates.Exited || state == KnownResourceStates.Finished;
            // A process that dies as soon as it starts can be reported Finished twice in a row, with no Starting seen in
            // between: its stop time, when known, tells one exit from the next.
            var newExit = terminal && (change.Snapshot.StopTimeStamp is { } stop ? stop != seen.HandledStop : seen.State != state);
            var stoppedOnPurpose = state == KnownResourceStates.Stopping
                || (seen.StoppedOnPurpose && state != KnownResourceStates.Starting && state != KnownResourceStates.Running);
            last[change.ResourceId] = (state, stoppedOnPurpose, newExit ? change.Snapshot.StopTimeStamp : seen.HandledStop);
            if (!change.Resource.TryGetLastAnnotation<RestartOnCrashAnnotation>(out var policy))
            {
                continue;
            }
            var crashes = _crashes.GetOrAdd(change.ResourceId, _ => new Crashes());
            if (state == KnownResourceStates.Running && seen.State != state)
            {
                crashes.RunningSince = time.GetUtcNow();
            }
            else if (newExit && seen.State is not null && !stoppedOnPurpose && !crashes.Restarting
                && !lifetime.ApplicationStopping.IsCancellationRequested)
            {
                crashes.Restarting = true;
                _ = RestartAsync(change, policy, crashes, stoppingToken);
            }
        }
    }

    private async Task RestartAsync(ResourceEvent crash, RestartOnCrashAnnotation policy, Crashes crashes, CancellationToken stoppingToken)
    {
        var log = logs.GetLogger(crash.ResourceId);
        if (time.GetUtcNow() - crashes.RunningSince >= policy.StableAfter)
        {
            crashes.InARow = 0;
        }
        var delay = TimeSpan.FromTicks(Math.Min(policy.MaxDelay.Ticks, policy.FirstDelay.Ticks << Math.Min(crashes.InARow, 20)));
        crashes.InARow++;
        crashes.Total++;
        log.LogWarning("Exited unexpectedly (exit code {ExitCode}); restarting in {Delay:0.#} s (restart {Restart})",
            crash.Snapshot.ExitCode, delay.TotalSeconds, crashes.Total);
        try
        {
            await Task.Delay(delay, time, stoppingToken);
            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return;
            }
            var result = await commands.ExecuteCommandAsync(crash.ResourceId, KnownResourceCommands.RestartCommand, stoppingToken);
            if (!result.Success)
            {
                result = await commands.ExecuteCommandAsync(crash.ResourceId, KnownResourceCommands.StartCommand, stoppingToken);
            }
            if (!result.Success)
            {
                log.LogError("Restart failed: {Error}", result.Message);
                return;
            }
            await notifications.PublishUpdateAsync(crash.Resource, crash.ResourceId, snapshot => snapshot with
            {
                Properties = snapshot.Properties.RemoveAll(p => p.Name == RestartsProperty).Add(new(RestartsProperty, crashes.Total)),
            });
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            crashes.Restarting = false;
        }
    }

    private sealed class Crashes
    {
        public DateTimeOffset RunningSince { get; set; } = DateTimeOffset.MinValue;

        public int InARow { get; set; }

        public int Total { get; set; }

        /// <summary>A restart is waiting out its delay or running: exits reported meanwhile belong to the same crash.</summary>
        public bool Restarting { get; set; }
    }
}
