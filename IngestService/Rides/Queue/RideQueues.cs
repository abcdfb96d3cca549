using Fleet.IngestService.Rides.Storage;
using RabbitMQ.Client;

namespace Fleet.IngestService.Rides.Queue;

/// <summary>
/// The queues between intake and storage, all on the default exchange (routing key = queue name):
/// <list type="bullet">
/// <item><c>ingest.rides</c>, a quorum queue: what waits to be stored. It counts deliveries, so a message that keeps
/// bringing its consumer down is dead-lettered by the broker (at-least-once) instead of looping.</item>
/// <item><c>ingest.rides.retry.&lt;delay&gt;</c>: a failed message waits out its delay here, then expires back.</item>
/// <item><c>ingest.rides.dead</c>: messages given up on, kept for an operator; their requests say why.</item>
/// </list>
/// </summary>
public static class RideQueues
{
    public const string Rides = "ingest.rides";
    public const string Dead = "ingest.rides.dead";

    public static string Retry(TimeSpan delay) => $"ingest.rides.retry.{(long)delay.TotalMilliseconds}ms";

    /// <summary>Declares every queue; idempotent while their settings stay the same.</summary>
    public static async Task DeclareAsync(IConnection connection, StorageOptions options, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(Dead, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(Rides, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
        {
            ["x-queue-type"] = "quorum",
            ["x-delivery-limit"] = options.MaxDeliveries * 2,
            ["x-dead-letter-exchange"] = "",
            ["x-dead-letter-routing-key"] = Dead,
            ["x-dead-letter-strategy"] = "at-least-once",
            ["x-overflow"] = "reject-publish",
        }, cancellationToken: cancellationToken);
        foreach (var delay in options.RetryDelays)
        {
            await channel.QueueDeclareAsync(Retry(delay), durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
            {
                ["x-message-ttl"] = (long)delay.TotalMilliseconds,
                ["x-dead-letter-exchange"] = "",
                ["x-dead-letter-routing-key"] = Rides,
            }, cancellationToken: cancellationToken);
        }
        await channel.CloseAsync(cancellationToken);
    }
}
