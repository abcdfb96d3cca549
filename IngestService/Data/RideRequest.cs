namespace Fleet.IngestService.Data;

/// <summary>A row of <c>rides.requests</c>: an acknowledged request as its caller was told of it.</summary>
public sealed class RideRequest
{
    public Guid TrackingId { get; set; }

    /// <summary>Who sent it (the token's client id, else its subject): the only caller who may read it.</summary>
    public required string ClientId { get; set; }

    /// <summary><c>json</c> or <c>csv</c>.</summary>
    public required string Format { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>How many parts the accepted rows were queued in.</summary>
    public int Parts { get; set; }

    public int RowsReceived { get; set; }
    public int RowsAccepted { get; set; }
    public int RowsRejected { get; set; }

    /// <summary>The refused rows (up to the listed maximum), as JSON: row, field, reason.</summary>
    public required string Rejected { get; set; }
}
