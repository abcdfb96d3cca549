namespace Fleet.SchedulerService.Jobs;

/// <summary>
/// A job's work, registered under the job's name (<c>AddScheduledJob&lt;T&gt;(name)</c>); when and how long it runs is
/// configuration (<see cref="JobOptions"/>). Returns how many items it processed, if it counts any.
/// </summary>
public interface IScheduledJob
{
    Task<int?> RunAsync(CancellationToken cancellationToken);
}
