using Microsoft.Extensions.Logging;

namespace Fleet.ServiceDefaults.Messaging;

/// <summary>The outer loop of a RabbitMQ consumer in a <c>BackgroundService</c>.</summary>
public static class ConsumerLoop
{
    /// <summary>
    /// Runs <paramref name="consume"/>, one channel's life, until the service stops: when it returns (its channel was
    /// lost) it runs again at once, and when it throws (the broker is away) again after a short pause.
    /// </summary>
    public static async Task RunAsync(string consumer, Func<CancellationToken, Task> consume, ILogger logger, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await consume(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "{Consumer} lost its channel; consuming again in a few seconds", consumer);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }
}
