using Fleet.SchedulerService.Jobs;

namespace Fleet.SchedulerServiceTests.Support;

/// <summary>A job that counts its runs and, while <see cref="Hold"/> is set, waits until let go (or cancelled).</summary>
public sealed class GatedJob : IScheduledJob
{
    public const string Name = "gated";

    private readonly List<TaskCompletionSource> _finished = [];
    private TaskCompletionSource? _hold;
    private int _runs;

    public int Runs => Volatile.Read(ref _runs);

    /// <summary>Holds every run that starts from now until <see cref="Release"/>.</summary>
    public void Hold() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _hold?.TrySetResult();

    /// <summary>Completes when the run numbered <paramref name="run"/> (from 0) has finished.</summary>
    public Task Finished(int run)
    {
        lock (_finished)
        {
            while (_finished.Count <= run)
            {
                _finished.Add(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }
            return _finished[run].Task;
        }
    }

    public async Task<int?> RunAsync(CancellationToken cancellationToken)
    {
        var run = Interlocked.Increment(ref _runs) - 1;
        try
        {
            if (_hold is { } hold)
            {
                await hold.Task.WaitAsync(cancellationToken);
            }
            return run + 1;
        }
        finally
        {
            _ = Finished(run); // makes sure its completion exists
            lock (_finished)
            {
                _finished[run].TrySetResult();
            }
        }
    }
}
