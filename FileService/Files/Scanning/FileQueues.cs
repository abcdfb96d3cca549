using Fleet.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace Fleet.FileService.Files.Scanning;

/// <summary>
/// <c>files.scan</c>: a quorum queue bound to <see cref="FleetExchanges.Events"/> for <see cref="Uploaded"/> and
/// <see cref="Rescan"/>, dead-lettering to <c>files.scan.dead</c> a message whose scan failed every delivery.
/// </summary>
public static class FileQueues
{
    public const string Scan = "files.scan";
    public const string Dead = "files.scan.dead";
    public const string Uploaded = "files.uploaded";
    public const string Rescan = "files.rescan";
    public const int MaxDeliveries = 5;

    public static async Task DeclareAsync(IConnection connection, CancellationToken cancellationToken)
    {
        await FleetExchanges.DeclareAsync(connection, cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(Dead, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(Scan, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
        {
            ["x-queue-type"] = "quorum",
            ["x-delivery-limit"] = MaxDeliveries,
            ["x-dead-letter-exchange"] = "",
            ["x-dead-letter-routing-key"] = Dead,
            ["x-dead-letter-strategy"] = "at-least-once",
            ["x-overflow"] = "reject-publish",
        }, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(Scan, FleetExchanges.Events, Uploaded, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(Scan, FleetExchanges.Events, Rescan, cancellationToken: cancellationToken);
        await channel.CloseAsync(cancellationToken);
    }
}
