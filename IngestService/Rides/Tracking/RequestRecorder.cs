using Fleet.IngestService.Rides.Queue;
using Npgsql;

namespace Fleet.IngestService.Rides.Tracking;

/// <summary>
/// Records an acknowledged request right away, so that its tracking link answers at once. Best effort: the request's
/// last part carries the same record to the consumer, so a database that is away delays the record, never loses it.
/// </summary>
public sealed class RequestRecorder(NpgsqlDataSource dataSource, ILogger<RequestRecorder> logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task TryRecordAsync(Guid trackingId, string clientId, DateTimeOffset receivedAt, RequestSummary summary, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await using var sql = dataSource.CreateBatch();
            sql.BatchCommands.Add(RequestRecords.Insert(trackingId, clientId, receivedAt, summary));
            await sql.ExecuteNonQueryAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            logger.LogWarning(exception, "Request {TrackingId} is queued but not yet recorded; storage will record it", trackingId);
        }
    }
}
