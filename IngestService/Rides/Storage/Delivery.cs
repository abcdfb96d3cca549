using Fleet.IngestService.Rides.Queue;
using RabbitMQ.Client;

namespace Fleet.IngestService.Rides.Storage;

/// <summary>A message taken from the queue, not yet acknowledged; <see cref="Epoch"/> is the channel it came on.</summary>
internal sealed record Delivery(ulong Tag, int Epoch, ReadOnlyMemory<byte> Body, IReadOnlyBasicProperties Properties, RideBatch? Batch)
{
    public int Rides => Batch?.Rides.Count ?? 0;

    public Guid? TrackingId => Batch?.TrackingId ?? (Header(RideQueue.Headers.TrackingId) is { } id && Guid.TryParse(id, out var parsed) ? parsed : null);

    public int Part => Batch?.Part ?? (int.TryParse(Header(RideQueue.Headers.Part), out var part) ? part : -1);

    /// <summary>Retries already made (our header), and deliveries of this copy (the quorum queue's count).</summary>
    public int Attempts => int.TryParse(Header(RideQueue.Headers.Attempts), out var attempts) ? attempts : 0;

    public long DeliveryCount => Properties.Headers?.TryGetValue("x-delivery-count", out var count) == true && count is long value ? value : 0;

    private string? Header(string name) => Properties.Headers?.TryGetValue(name, out var value) == true
        ? value switch { byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes), int number => number.ToString(), long number => number.ToString(), _ => value?.ToString() }
        : null;
}
