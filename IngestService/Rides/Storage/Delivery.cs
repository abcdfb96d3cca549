using Fleet.IngestService.Rides.Queue;
using RabbitMQ.Client;

namespace Fleet.IngestService.Rides.Storage;

/// <summary>
/// A message taken from the queue, not yet acknowledged; <see cref="Epoch"/> is the channel it came on. <see cref="Batches"/>
/// is null when the message could not be read.
/// </summary>
internal sealed record Delivery(ulong Tag, int Epoch, ReadOnlyMemory<byte> Body, IReadOnlyBasicProperties Properties, RideBatch[]? Batches)
{
    public int Rides => Batches?.Sum(b => b.Rides.Count) ?? 0;

    /// <summary>What <see cref="RideQueue.Headers.Parts"/> says the message holds: <c>{trackingId}/{part}</c>, comma-separated.</summary>
    public string Label => Header(RideQueue.Headers.Parts) ?? (Batches is { } batches ? RideQueue.Label(batches) : "a message naming no request");

    /// <summary>The parts the message holds, from its body, or, when that cannot be read, from its header.</summary>
    public IEnumerable<(Guid TrackingId, int Part, RideBatch? Batch)> Parts =>
        Batches?.Select(b => (b.TrackingId, b.Part, (RideBatch?)b))
        ?? RideQueue.PartsOf(Header(RideQueue.Headers.Parts) ?? "").Select(p => (p.TrackingId, p.Part, (RideBatch?)null));

    /// <summary>Retries already made (our header), and deliveries of this copy (the quorum queue's count).</summary>
    public int Attempts => int.TryParse(Header(RideQueue.Headers.Attempts), out var attempts) ? attempts : 0;

    public long DeliveryCount => Properties.Headers?.TryGetValue("x-delivery-count", out var count) == true && count is long value ? value : 0;

    private string? Header(string name) => Properties.Headers?.TryGetValue(name, out var value) == true
        ? value switch { byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes), int number => number.ToString(), long number => number.ToString(), _ => value?.ToString() }
        : null;
}
