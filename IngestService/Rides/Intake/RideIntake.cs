using System.Security.Claims;
using Fleet.IngestService.Rides.Queue;
using Fleet.IngestService.Rides.Tracking;
using Fleet.IngestService.Telemetry;
using Fleet.ServiceDefaults.Authentication;
using Microsoft.Extensions.Options;

namespace Fleet.IngestService.Rides.Intake;

/// <summary>What JSON and CSV intake share: opening a request, and acknowledging it once every part is confirmed.</summary>
public sealed class RideIntake(RideQueue queue, SharedRideMessages shared, RequestRecorder recorder, IOptions<IntakeOptions> options, TimeProvider time,
    IngestMetrics metrics, ILogger<RideIntake> logger)
{
    public IntakeOptions Options => options.Value;

    internal IntakeSession Begin(IntakeMode mode, ClaimsPrincipal caller, string format) =>
        new(queue, shared, options.Value, mode, caller.GetClientId() ?? "", format, time.GetUtcNow());

    /// <summary>Queues the last part with the summary, records the request, and answers 202 with its tracking link.</summary>
    internal async Task<IResult> AcknowledgeAsync(IntakeSession session, int rowsReceived, RowErrors errors, CancellationToken cancellationToken)
    {
        var summary = await session.CompleteAsync(rowsReceived, errors, cancellationToken);
        metrics.Accepted(summary.RowsAccepted);
        metrics.Rejected(summary.RowsRejected);
        await recorder.TryRecordAsync(session.TrackingId, session.ClientId, session.ReceivedAt, summary, cancellationToken);
        return TypedResults.Accepted($"/rides/requests/{session.TrackingId}", new Acknowledgement(
            session.TrackingId, RequestStatus.Accepted, rowsReceived, summary.RowsAccepted, summary.RowsRejected, summary.Rejected));
    }

    /// <summary>The answer when the broker failed the request: 503 with Retry-After.</summary>
    internal IResult BrokerFailed(QueueUnavailableException exception, IntakeSession session, HttpContext context)
    {
        logger.LogWarning(exception, "Request {TrackingId} was not acknowledged: the broker did not confirm it", session.TrackingId);
        context.Response.Headers.RetryAfter = ((int)Options.RetryAfter.TotalSeconds).ToString();
        return IntakeProblems.BrokerUnavailable();
    }
}
