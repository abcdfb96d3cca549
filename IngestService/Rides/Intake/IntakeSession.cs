using System.Buffers.Binary;
using Fleet.IngestService.Rides.Queue;

namespace Fleet.IngestService.Rides.Intake;

/// <summary>
/// One request being taken in: its rides are cut into parts of <see cref="IntakeOptions.PartSize"/> and queued, the
/// last part carrying the request's summary. Queued as they come (<see cref="IntakeMode.Queue"/>), or, for a request
/// that is all-or-nothing but too long to hold in memory, spooled to disk and queued only once its end was read and
/// every row passed (<see cref="IntakeMode.Spool"/>). A request of one part may share its message with others.
/// </summary>
internal sealed class IntakeSession : IAsyncDisposable
{
    private const int PartsInFlight = 8;

    private readonly RideQueue _queue;
    private readonly SharedRideMessages _shared;
    private readonly IntakeOptions _options;
    private readonly List<Ride> _buffer;
    private readonly List<Task> _inFlight = [];
    private readonly IntakeMode _mode;
    private FileStream? _spool;
    private int _parts;

    public IntakeSession(RideQueue queue, SharedRideMessages shared, IntakeOptions options, IntakeMode mode, string clientId, string format, DateTimeOffset receivedAt)
    {
        _queue = queue;
        _shared = shared;
        _options = options;
        _buffer = new List<Ride>(options.PartSize);
        ClientId = clientId;
        Format = format;
        ReceivedAt = receivedAt;
        _mode = mode;
    }

    public Guid TrackingId { get; } = Guid.CreateVersion7();

    public string ClientId { get; }

    public string Format { get; }

    public DateTimeOffset ReceivedAt { get; }

    public int RowsAccepted { get; private set; }

    public async ValueTask AddAsync(Ride ride, CancellationToken cancellationToken)
    {
        if (_buffer.Count == _options.PartSize)
        {
            // Only a full part is sent before the end: the last one, however short, goes with the summary.
            await SendAsync(Batch([.. _buffer], summary: null), cancellationToken);
            _buffer.Clear();
        }
        _buffer.Add(ride);
        RowsAccepted++;
    }

    /// <summary>Queues the last part with the request's summary, and returns once the broker has confirmed every part.</summary>
    public async Task<RequestSummary> CompleteAsync(int rowsReceived, RowErrors errors, CancellationToken cancellationToken)
    {
        var summary = new RequestSummary(Format, _parts + 1, rowsReceived, RowsAccepted, errors.Rows, errors.Listed);
        var last = Batch([.. _buffer], summary);
        if (last.Part == 0)
        {
            await _shared.EnqueueAsync(last, cancellationToken);
            return summary;
        }
        if (_spool is not null)
        {
            await PublishSpooledAsync(cancellationToken);
        }
        // The request is complete and valid: its last part has nothing to wait for.
        await PublishAsync(last.Part, RideQueue.Serialize([last]), cancellationToken);
        await Task.WhenAll(_inFlight);
        return summary;
    }

    private RideBatch Batch(Ride[] rides, RequestSummary? summary) => new(TrackingId, ClientId, ReceivedAt, _parts++, rides, summary);

    private async Task SendAsync(RideBatch batch, CancellationToken cancellationToken)
    {
        var body = RideQueue.Serialize([batch]);
        if (_mode == IntakeMode.Queue)
        {
            await PublishAsync(batch.Part, body, cancellationToken);
            return;
        }
        // Opened with the first full part: a request that fits in one part never touches the disk.
        _spool ??= OpenSpool();
        var length = new byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(length, body.Length);
        await _spool.WriteAsync(length, cancellationToken);
        await _spool.WriteAsync(body, cancellationToken);
    }

    private async Task PublishAsync(int part, byte[] body, CancellationToken cancellationToken)
    {
        _inFlight.Add(_queue.EnqueueAsync(body, RideQueue.Label(TrackingId, part), cancellationToken));
        if (_inFlight.Count >= PartsInFlight)
        {
            var done = await Task.WhenAny(_inFlight);
            _inFlight.Remove(done);
            await done; // a refused part ends the request
        }
    }

    private FileStream OpenSpool()
    {
        Directory.CreateDirectory(_options.SpoolDirectory);
        return new FileStream(Path.Combine(_options.SpoolDirectory, $"{TrackingId:N}.spool"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
    }

    private async Task PublishSpooledAsync(CancellationToken cancellationToken)
    {
        _spool!.Position = 0;
        var length = new byte[sizeof(int)];
        for (var part = 0; await _spool.ReadAtLeastAsync(length, length.Length, throwOnEndOfStream: false, cancellationToken) == length.Length; part++)
        {
            var body = new byte[BinaryPrimitives.ReadInt32LittleEndian(length)];
            await _spool.ReadExactlyAsync(body, cancellationToken);
            await PublishAsync(part, body, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_spool is not null)
        {
            await _spool.DisposeAsync();
        }
    }
}

internal enum IntakeMode
{
    /// <summary>Parts are queued as they fill.</summary>
    Queue,

    /// <summary>Parts wait on disk until the request is complete and valid.</summary>
    Spool,
}
