using Fleet.AppHost.Hosting.Processes;

namespace Fleet.AppHost.Hosting.Runners;

/// <summary>A runner whose instance is one supervised process (restarted with backoff when it dies).</summary>
internal abstract class ProcessRunner(Resource resource, RunContext context) : ResourceRunner(resource, context)
{
    protected SupervisedProcess? Process { get; private set; }

    public override int? Pid => Process?.Pid;

    public override int Restarts => Process?.Restarts ?? 0;

    public override IEnumerable<int> StartedPids => Process?.StartedPids.ToArray() ?? [];

    /// <summary>The signal that asks this program for a clean shutdown.</summary>
    protected virtual int StopSignal => Native.SIGTERM;

    protected abstract ProcessSpec CreateProcessSpec();

    protected virtual Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await PrepareAsync(cancellationToken);
        Process = new SupervisedProcess(CreateProcessSpec(), Log, Context.NotifyChanged);
        await Process.StartAsync();
    }

    public override async Task StopAsync(TimeSpan grace)
    {
        if (Process is not null)
        {
            await Process.StopAsync(StopSignal, grace);
        }
    }
}
