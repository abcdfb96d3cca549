namespace Fleet.IngestService.Rides.Tracking;

/// <summary>Where an acknowledged request stands.</summary>
public static class RequestStatus
{
    /// <summary>Queued; some parts are not stored yet.</summary>
    public const string Accepted = "accepted";

    /// <summary>Every accepted ride is stored.</summary>
    public const string Stored = "stored";

    /// <summary>Every part is done, some were given up on (see <c>failures</c>).</summary>
    public const string PartiallyFailed = "partially_failed";

    /// <summary>Every part was given up on.</summary>
    public const string Failed = "failed";
}
