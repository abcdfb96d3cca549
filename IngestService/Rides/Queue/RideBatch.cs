using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.IngestService.Rides.Queue;

/// <summary>
/// A part of an accepted request: its rides in the order received; the last part also carries the request's summary.
/// Every part names its request, so the consumer can record what it stored for whom. A queued message is an array of
/// parts: one part of a large request, or several small requests that were acknowledged together.
/// </summary>
public sealed record RideBatch(
    Guid TrackingId,
    string ClientId,
    DateTimeOffset ReceivedAt,
    int Part,
    IReadOnlyList<Ride> Rides,
    RequestSummary? Request);

/// <summary>What the caller was told: the request's totals and the rows it refused (up to the listed maximum).</summary>
public sealed record RequestSummary(
    string Format,
    int Parts,
    int RowsReceived,
    int RowsAccepted,
    int RowsRejected,
    IReadOnlyList<RowError> Rejected);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RideBatch[]))]
[JsonSerializable(typeof(List<RowError>))]
internal sealed partial class RideQueueJson : JsonSerializerContext;
