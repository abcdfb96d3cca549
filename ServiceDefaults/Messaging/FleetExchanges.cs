using RabbitMQ.Client;

namespace Fleet.ServiceDefaults.Messaging;

/// <summary>The exchanges every service shares. All are durable topic exchanges.</summary>
public static class FleetExchanges
{
    /// <summary>Integration events, routing key <c>&lt;area&gt;.&lt;event&gt;</c>, e.g. <c>rides.accepted</c>.</summary>
    public const string Events = "fleet.events";

    /// <summary>Audit events from every service, for the AuditService.</summary>
    public const string Audit = "fleet.audit";

    /// <summary>
    /// Where queues dead-letter messages that failed their retries
    /// (queue argument <c>x-dead-letter-exchange</c>); each dead-letter queue binds here.
    /// </summary>
    public const string DeadLetter = "fleet.dlx";

    /// <summary>Declares the exchanges; idempotent, as long as their settings never change.</summary>
    public static async Task DeclareAsync(IConnection connection, CancellationToken cancellationToken = default)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        foreach (var exchange in (string[])[Events, Audit, DeadLetter])
        {
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Topic, durable: true, autoDelete: false,
                cancellationToken: cancellationToken);
        }
        await channel.CloseAsync(cancellationToken);
    }
}
