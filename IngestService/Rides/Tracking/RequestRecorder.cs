using System.Threading.Channels;
using Fleet.IngestService.Rides.Queue;
using Npgsql;

namespace Fleet.IngestService.Rides.Tracking;

/// <summary>
/// Records an acknowledged request right away, so that its tracking link answers at once. Best effort: the request's
/// last part carries the same record to the consumer, so a database that is away delays the record, never loses it.
/// Requests acknowledged together are recorded together, in one transaction: under a feed of single rides, one commit
/// (and one WAL flush) per request would be most of PostgreSQL's work.
/// </summary>
public sealed class RequestRecorder : IAsyncDisposable
{
    private const int MaxGroup = 512;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<RequestRecorder> _logger;
    private readonly Channel<(NpgsqlBatchCommand Insert, TaskCompletionSource Recorded)> _pending =
        Channel.CreateUnbounded<(NpgsqlBatchCommand, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public RequestRecorder(NpgsqlDataSource dataSource, ILogger<RequestRecorder> logger)
    {
        _dataSource = dataSource;
        _logger = logger;
        _writer = Task.Run(WriteAsync);
    }

    public async Task TryRecordAsync(Guid trackingId, string clientId, DateTimeOffset receivedAt, RequestSummary summary, CancellationToken cancellationToken)
    {
        var recorded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending.Writer.TryWrite((RequestRecords.Insert(trackingId, clientId, receivedAt, summary), recorded));
        try
        {
            await recorded.Task.WaitAsync(Timeout, cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            _logger.LogWarning(exception, "Request {TrackingId} is queued but not yet recorded; storage will record it", trackingId);
        }
    }

    /// <summary>Writes whatever has gathered while the previous group was being written, as one batch.</summary>
    private async Task WriteAsync()
    {
        var group = new List<(NpgsqlBatchCommand Insert, TaskCompletionSource Recorded)>(MaxGroup);
        while (await _pending.Reader.WaitToReadAsync())
        {
            while (group.Count < MaxGroup && _pending.Reader.TryRead(out var item))
            {
                group.Add(item);
            }
            try
            {
                await using var batch = _dataSource.CreateBatch();
                foreach (var (insert, _) in group)
                {
                    batch.BatchCommands.Add(insert);
                }
                using var timeout = new CancellationTokenSource(Timeout);
                await batch.ExecuteNonQueryAsync(timeout.Token);
                group.ForEach(item => item.Recorded.TrySetResult());
            }
            catch (Exception exception)
            {
                group.ForEach(item => item.Recorded.TrySetException(exception));
            }
            group.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _writer;
    }
}
