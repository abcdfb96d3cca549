using Fleet.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace Fleet.ServiceDefaults.Audit;

/// <summary>
/// Where audit events wait for AuditService: <c>audit.events</c>, a durable quorum queue bound to
/// <see cref="FleetExchanges.Audit"/> for every routing key (<c>audit.&lt;category&gt;</c>), and <c>audit.events.dead</c>
/// for what could not be stored. Every emitter declares them before its first publish, so an event published before
/// AuditService ever ran is kept, not dropped as unroutable.
/// </summary>
public static class AuditQueues
{
    public const string Events = "audit.events";
    public const string Dead = "audit.events.dead";

    /// <summary>The routing key of an event: <c>audit.&lt;category&gt;</c>.</summary>
    public static string RoutingKey(string category) => $"audit.{category}";

    /// <summary>Declares the exchange, both queues and the binding; idempotent while their settings stay the same.</summary>
    public static async Task DeclareAsync(IConnection connection, CancellationToken cancellationToken = default)
    {
        await FleetExchanges.DeclareAsync(connection, cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(Dead, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(Events, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
        {
            ["x-queue-type"] = "quorum",
            ["x-delivery-limit"] = 10,
            ["x-dead-letter-exchange"] = "",
            ["x-dead-letter-routing-key"] = Dead,
            ["x-dead-letter-strategy"] = "at-least-once",
            ["x-overflow"] = "reject-publish",
        }, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(Events, FleetExchanges.Audit, "#", cancellationToken: cancellationToken);
        await channel.CloseAsync(cancellationToken);
    }
}
