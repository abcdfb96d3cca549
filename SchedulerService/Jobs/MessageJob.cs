using System.Text.Json;
using Fleet.ServiceDefaults.Messaging;

namespace Fleet.SchedulerService.Jobs;

/// <summary>
/// A job whose work another service does: each run publishes <c>{"job": name, "at": time}</c> to the configured exchange
/// and routing key, persistent, mandatory (no queue bound fails the run) and confirmed by the broker.
/// </summary>
public sealed class MessageJob(string name, MessageJobOptions message, RabbitMQPublisher publisher, TimeProvider time) : IScheduledJob
{
    public async Task<int?> RunAsync(CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["job"] = name, ["at"] = time.GetUtcNow() });
        await publisher.PublishAsync(message.Exchange, message.RoutingKey, body,
            new RabbitMQ.Client.BasicProperties { ContentType = "application/json", Type = "fleet.job" }, mandatory: true, cancellationToken);
        return 1;
    }
}
