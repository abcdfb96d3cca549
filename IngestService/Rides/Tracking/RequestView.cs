using Fleet.IngestService.Data;

namespace Fleet.IngestService.Rides.Tracking;

/// <summary>What <c>GET /rides/requests/{trackingId}</c> answers: where the request stands, counted by rows.</summary>
public sealed record RequestView(
    Guid TrackingId,
    string Status,
    string Format,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? CompletedAt,
    RequestRows Rows,
    IReadOnlyList<RowError> Rejected,
    IReadOnlyList<PartFailure> Failures)
{
    public static RequestView From(RideRequest request, IReadOnlyList<RowError> rejected, IReadOnlyList<RideRequestPart> parts)
    {
        var stored = parts.Where(p => p.StoredAt is not null).Sum(p => p.Rows);
        var failed = parts.Where(p => p.StoredAt is null && p.FailedAt is not null).ToList();
        var done = parts.Count(p => p.StoredAt is not null || p.FailedAt is not null);
        var status = done < request.Parts ? RequestStatus.Accepted
            : failed.Count == 0 ? RequestStatus.Stored
            : failed.Count == request.Parts ? RequestStatus.Failed
            : RequestStatus.PartiallyFailed;
        DateTimeOffset? completedAt = status == RequestStatus.Accepted ? null : parts.Max(p => p.StoredAt ?? p.FailedAt);
        return new RequestView(request.TrackingId, status, request.Format, request.ReceivedAt, completedAt,
            new RequestRows(request.RowsReceived, request.RowsAccepted, request.RowsRejected, stored, failed.Sum(p => p.Rows),
                request.RowsAccepted - stored - failed.Sum(p => p.Rows)),
            rejected,
            [.. failed.Select(p => new PartFailure(p.Part, p.Rows, p.Failure ?? "", p.FailedAt!.Value))]);
    }
}

/// <summary>Rows received, refused at intake, accepted, and of those: stored, failed, and still pending.</summary>
public sealed record RequestRows(int Received, int Accepted, int Rejected, int Stored, int Failed, int Pending);

/// <summary>A part of the request that was given up on after its retries, and why. Its rows are in the dead-letter queue.</summary>
public sealed record PartFailure(int Part, int Rows, string Reason, DateTimeOffset FailedAt);
