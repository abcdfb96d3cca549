using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.AppHost.LocalServers.RabbitMQ;

/// <summary>
/// When the AppHost stops, before its resources are stopped, takes the management agent's statistics handler out of
/// the running broker. RabbitMQ 3.10 (Debian 12's) takes it out while the node is stopping, and there the handler asks
/// the stopping node to refresh its statistics and waits 5 s for an answer that does not come: most of the time Ctrl+C
/// took. Taken out of a running node, it leaves at once, and the broker then stops in about a second. This runs before
/// anything is stopped, not in the broker's own stop, because rabbitmqctl needs the port mapper, which stops alongside.
/// </summary>
internal sealed class ManagementAgentRelease(RabbitMQServerResource broker, EpmdResource epmd, ILogger<ManagementAgentRelease> logger)
    : IHostedLifecycleService
{
    public const string StatisticsHandler = "rabbit_mgmt_db_handler";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (await RabbitMQControl.EvalAsync(broker, epmd, $"gen_event:delete_handler(rabbit_event, {StatisticsHandler}, []).",
                Timeout, cancellationToken) is null)
        {
            logger.LogDebug("The broker's statistics handler could not be taken out first; it stops the slow way");
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
