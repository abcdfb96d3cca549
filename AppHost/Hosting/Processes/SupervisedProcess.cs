using System.Diagnostics;

namespace Fleet.AppHost.Hosting.Processes;

/// <summary>Keeps one program running: restarts it with backoff when it exits, until told to stop.</summary>
internal sealed class SupervisedProcess(ProcessSpec spec, ResourceLog log, Action onChange)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();
    private Process? _process;
    private Task? _loop;

    public int? Pid => _process is { } p && !HasExited(p) ? p.Id : null;

    /// <summary>Every PID this supervisor has started, for checks that nothing is left behind.</summary>
    public List<int> StartedPids { get; } = [];

    public int Restarts { get; private set; }

    public int? LastExitCode { get; private set; }

    public bool IsRunning => Pid is not null;

    /// <summary>Completes once the first process has been launched.</summary>
    public Task StartAsync()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop = Task.Run(() => SuperviseAsync(started));
        return started.Task;
    }

    private async Task SuperviseAsync(TaskCompletionSource started)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (true)
        {
            var startedAt = Stopwatch.StartNew();
            var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                _process = ProcessLauncher.Start(spec, log);
                _process.Exited += (_, _) => exited.TrySetResult();
                if (HasExited(_process))
                {
                    exited.TrySetResult();
                }
                lock (StartedPids)
                {
                    StartedPids.Add(_process.Id);
                }
            }
            catch (Exception ex)
            {
                log.Write($"could not start {spec.FileName}: {ex.Message}");
                exited.TrySetResult();
            }
            started.TrySetResult();
            onChange();

            await exited.Task.WaitAsync(_stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            LastExitCode = _process is { } p ? p.ExitCode : null;
            // The program is gone; anything it left in its process group goes with it.
            if (_process is { } gone)
            {
                Native.SignalGroup(gone.Id, Native.SIGKILL);
            }
            log.Write($"exited with code {LastExitCode}; restarting in {backoff.TotalSeconds:0} s");
            Restarts++;
            onChange();

            backoff = startedAt.Elapsed > StableAfter ? TimeSpan.FromSeconds(1) : backoff;
            try
            {
                await Task.Delay(backoff, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to the program and waits up to <paramref name="grace"/> for it to exit;
    /// then kills its whole process group, so nothing it started is left behind.
    /// </summary>
    public async Task StopAsync(int signal, TimeSpan grace)
    {
        _stopping.Cancel();
        if (_loop is not null)
        {
            await _loop;
        }
        if (_process is not { } process)
        {
            return;
        }
        if (!HasExited(process))
        {
            Native.Signal(process.Id, signal);
            var deadline = Stopwatch.StartNew();
            while (!HasExited(process) && deadline.Elapsed < grace)
            {
                await Task.Delay(50);
            }
            if (!HasExited(process))
            {
                log.Write($"did not stop within {grace.TotalSeconds:0} s; killing it");
            }
        }
        Native.SignalGroup(process.Id, Native.SIGKILL);
        var reaped = Stopwatch.StartNew();
        while ((Native.GroupIsAlive(process.Id) || !HasExited(process)) && reaped.Elapsed < TimeSpan.FromSeconds(2))
        {
            await Task.Delay(20);
        }
        LastExitCode = HasExited(process) ? process.ExitCode : null;
        onChange();
    }

    private static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }
}
