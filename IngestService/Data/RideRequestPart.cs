namespace Fleet.IngestService.Data;

/// <summary>A row of <c>rides.request_parts</c>: one queued part of a request, once it was stored or given up on.</summary>
public sealed class RideRequestPart
{
    public Guid TrackingId { get; set; }
    public int Part { get; set; }
    public int Rows { get; set; }
    public DateTimeOffset? StoredAt { get; set; }
    public DateTimeOffset? FailedAt { get; set; }

    /// <summary>Why the part was dead-lettered.</summary>
    public string? Failure { get; set; }
}
