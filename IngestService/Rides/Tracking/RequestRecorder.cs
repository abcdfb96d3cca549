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
    private readonly Channel<(RequestRecord Request, TaskCompletionSource Recorded)> _pending =
        Channel.CreateUnbounded<(RequestRecord, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public RequestRecorder(NpgsqlDataSource dataSource, ILogger<RequestRecorder> logger)
    {
        _dataSource = dataSource;
        _logger = logger;
        // Made during a request: without this every write would join that request's trace.
        using (ExecutionContext.SuppressFlow())
        {
            _writer = Task.Run(WriteAsync);
        }
    }

    public async Task TryRecordAsync(Guid trackingId, string clientId, DateTimeOffset receivedAt, RequestSummary summary, CancellationToken cancellationToken)
    {
        var recorded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending.Writer.TryWrite((new RequestRecord(trackingId, clientId, receivedAt, summary), recorded));
        try
        {
            await recorded.Task.WaitAsync(Timeout, cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            _logger.LogWarning(exception, "Request {TrackingId} is queued but not yet recorded; storage will record it", trackingId);
        }
    }

    /// <summary>Writes whatever has gathered while the previous group was being written, in one statement.</summary>
    private async Task WriteAsync()
    {
        var group = new List<(RequestRecord Request, TaskCompletionSource Recorded)>(MaxGroup);
        while (await _pending.Reader.WaitToReadAsync())
        {
            while (group.Count < MaxGroup && _pending.Reader.TryRead(out var item))
            {
                group.Add(item);
            }
            try
            {
                await using var batch = _dataSource.CreateBatch();
                // The consumer records these requests again from their messages, durably: this commit need not wait
                // for its WAL to reach the disk. (For this transaction only; SET LOCAL would need an explicit one.)
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('synchronous_commit', 'off', true)"));
                batch.BatchCommands.Add(RequestRecords.Insert(group.Select(item => item.Request)));
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
