using System.Diagnostics;
using Fleet.AppHost.Hosting.Runners;

namespace Fleet.AppHost.Hosting;

/// <summary>
/// Starts each resource once everything it waits for is healthy (independent resources start side by side),
/// watches health while running, and stops everything in reverse order.
/// </summary>
internal sealed class Orchestrator(IReadOnlyList<IReadOnlyList<Resource>> levels, IReadOnlyDictionary<Resource, IReadOnlyList<ResourceRunner>> runners, RunContext context)
{
    private const int MaxRestartsBeforeHealthy = 3;
    private readonly Dictionary<Resource, TaskCompletionSource> _healthy =
        runners.Keys.ToDictionary(r => r, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    private readonly CancellationTokenSource _monitoring = new();
    private Task? _monitor;
    private int _stopped;

    public IEnumerable<ResourceRunner> AllRunners => levels.SelectMany(l => l).SelectMany(r => runners[r]);

    public async Task StartAsync(IEnumerable<string> buildProblems, CancellationToken cancellationToken)
    {
        var problems = buildProblems.Concat(AllRunners.SelectMany(r => r.CheckPrerequisites())).Distinct().ToList();
        if (problems.Count > 0)
        {
            throw new DistributedApplicationException("Fleet cannot start:" + string.Concat(problems.Select(p => $"{Environment.NewLine}  - {p}")));
        }

        foreach (var runner in AllRunners)
        {
            runner.State = ResourceState.Waiting;
        }
        context.NotifyChanged();

        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var starts = runners.Keys.Select(r => StartResourceAsync(r, failed)).ToList();
        try
        {
            await Task.WhenAll(starts);
        }
        catch
        {
            await StopAsync();
            var rootCause = starts.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException).FirstOrDefault(e => e is not DependencyFailedException);
            if (rootCause is DistributedApplicationException)
            {
                throw rootCause;
            }
            if (rootCause is not null)
            {
                throw new DistributedApplicationException($"Fleet could not start: {rootCause.Message}", rootCause);
            }
            throw;
        }
        _monitor = Task.Run(() => MonitorAsync(_monitoring.Token));
    }

    private async Task StartResourceAsync(Resource resource, CancellationTokenSource failed)
    {
        try
        {
            foreach (var dependency in resource.WaitsFor)
            {
                try
                {
                    await _healthy[dependency].Task.WaitAsync(failed.Token);
                }
                catch (Exception ex)
                {
                    throw new DependencyFailedException(resource, dependency, ex);
                }
            }
            await Task.WhenAll(runners[resource].Select(r => StartInstanceAsync(r, failed.Token)));
            _healthy[resource].TrySetResult();
        }
        catch (Exception ex)
        {
            _healthy[resource].TrySetException(ex);
            failed.Cancel();
            throw;
        }
    }

    private async Task StartInstanceAsync(ResourceRunner runner, CancellationToken cancellationToken)
    {
        var timeout = runner.Resource.StartTimeout;
        var elapsed = Stopwatch.StartNew();
        try
        {
            runner.State = ResourceState.Starting;
            context.NotifyChanged();
            await runner.StartAsync(cancellationToken);
            runner.State = ResourceState.Running;
            context.NotifyChanged();

            var delay = TimeSpan.FromMilliseconds(100);
            while (true)
            {
                var health = await runner.UpdateHealthAsync(cancellationToken);
                context.NotifyChanged();
                if (health.IsHealthy)
                {
                    return;
                }
                if (runner.Restarts >= MaxRestartsBeforeHealthy)
                {
                    throw Failure(runner, $"exited {runner.Restarts} times before it became healthy");
                }
                if (elapsed.Elapsed > timeout)
                {
                    throw Failure(runner, $"did not become healthy within {timeout.TotalSeconds:0} s (last check: {health.Detail})");
                }
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 1000));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            runner.State = ResourceState.FailedToStart;
            context.NotifyChanged();
            throw ex as DistributedApplicationException ?? Failure(runner, ex.Message, ex);
        }
    }

    private static DistributedApplicationException Failure(ResourceRunner runner, string what, Exception? inner = null)
    {
        var output = runner.Log.Tail(15);
        var tail = output.Count == 0 ? "" : $"{Environment.NewLine}Last output:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", output)}";
        return new DistributedApplicationException($"'{runner.InstanceName}' {what}.{tail}{Environment.NewLine}Full output: {runner.Log.FilePath}", inner);
    }

    private async Task MonitorAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                await Task.WhenAll(AllRunners.Select(async runner =>
                {
                    await runner.UpdateHealthAsync(cancellationToken);
                    if (runner is ProcessRunner && runner.State is ResourceState.Running or ResourceState.Restarting)
                    {
                        runner.State = runner.Pid is null ? ResourceState.Restarting : ResourceState.Running;
                    }
                }));
                context.NotifyChanged();
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Stops the last-started level first, within the shutdown timeout; whatever is left then is killed.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }
        _monitoring.Cancel();
        if (_monitor is not null)
        {
            await _monitor;
        }
        var budget = Stopwatch.StartNew();
        var toStop = levels.Reverse().Select(level => level.SelectMany(r => runners[r]).Where(r => r.State != ResourceState.NotStarted).ToList())
            .Where(level => level.Count > 0).ToList();
        for (var i = 0; i < toStop.Count; i++)
        {
            var left = context.Options.ShutdownTimeout - budget.Elapsed;
            var grace = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(200).Ticks, left.Ticks / (toStop.Count - i)));
            await Task.WhenAll(toStop[i].Select(async runner =>
            {
                runner.State = ResourceState.Stopping;
                context.NotifyChanged();
                await runner.StopAsync(grace);
                runner.State = ResourceState.Stopped;
                runner.ResetHealth();
                context.NotifyChanged();
            }));
        }
    }

    private sealed class DependencyFailedException(Resource resource, Resource dependency, Exception inner)
        : Exception($"'{resource.Name}' was not started because '{dependency.Name}' failed.", inner);
}
