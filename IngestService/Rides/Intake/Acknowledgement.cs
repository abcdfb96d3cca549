namespace Fleet.IngestService.Rides.Intake;

/// <summary>The 202 answer: the rides are queued durably and will be stored; follow them at <c>Location</c>.</summary>
public sealed record Acknowledgement(
    Guid TrackingId,
    string Status,
    int RowsReceived,
    int RowsAccepted,
    int RowsRejected,
    IReadOnlyList<RowError> Rejected);
