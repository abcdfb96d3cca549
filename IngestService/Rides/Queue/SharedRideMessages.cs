using System.Diagnostics;
using System.Threading.Channels;
using Fleet.IngestService.Rides.Intake;
using Microsoft.Extensions.Options;

namespace Fleet.IngestService.Rides.Queue;

/// <summary>
/// Queues requests that fit in one part together: those that arrive while earlier messages await the broker's confirm
/// share the next message, up to <see cref="IntakeOptions.PartSize"/> rides, and each caller returns once that message is
/// confirmed. A quiet service sends each request at once, alone; under a feed of single rides the broker, and the
/// consumer after it, handle one message for many requests instead of one each.
/// </summary>
public sealed class SharedRideMessages : IAsyncDisposable
{
    // Messages awaiting their confirm at once; requests arriving meanwhile gather for the next.
    private const int MessagesInFlight = 4;

    public const string ActivitySourceName = "Fleet.IngestService.Queue";
    private static readonly ActivitySource Source = new(ActivitySourceName);

    private readonly RideQueue _queue;
    private readonly int _maxRides;
    private readonly Channel<Waiting> _waiting = Channel.CreateUnbounded<Waiting>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _inFlight = new(MessagesInFlight, MessagesInFlight);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _sender;

    public SharedRideMessages(RideQueue queue, IOptions<IntakeOptions> options)
    {
        _queue = queue;
        _maxRides = options.Value.PartSize;
        // Made during a request: without this the loop would carry that request's activity, and every message after it
        // would join its trace.
        using (ExecutionContext.SuppressFlow())
        {
            _sender = Task.Run(SendAsync);
        }
    }

    /// <summary>Queues <paramref name="batch"/>, a whole request, perhaps in a message shared with others.</summary>
    /// <exception cref="QueueUnavailableException">The broker did not confirm the message that held it.</exception>
    public async Task EnqueueAsync(RideBatch batch, CancellationToken cancellationToken)
    {
        var waiting = new Waiting(batch, Activity.Current);
        if (!_waiting.Writer.TryWrite(waiting))
        {
            throw new QueueUnavailableException("The service is stopping.", new ObjectDisposedException(nameof(SharedRideMessages)));
        }
        await waiting.Confirmed.Task.WaitAsync(cancellationToken);
    }

    private async Task SendAsync()
    {
        var reader = _waiting.Reader;
        var group = new List<Waiting>();
        while (await reader.WaitToReadAsync())
        {
            await _inFlight.WaitAsync();
            var rides = 0;
            while (reader.TryPeek(out var next) && (group.Count == 0 || rides + next.Batch.Rides.Count <= _maxRides) && reader.TryRead(out next))
            {
                group.Add(next);
                rides += next.Batch.Rides.Count;
            }
            _ = PublishAsync([.. group]);
            group.Clear();
        }
    }

    private async Task PublishAsync(Waiting[] group)
    {
        try
        {
            // The message continues the first request's trace (traced or not, as that request was); the others link to it.
            Activity.Current = group[0].Request;
            using var activity = Source.StartActivity(ActivityKind.Internal, name: "queue rides",
                links: group.Skip(1).Where(w => w.Request is { Recorded: true }).Select(w => new ActivityLink(w.Request!.Context)));
            activity?.SetTag("fleet.requests.count", group.Length);
            RideBatch[] batches = [.. group.Select(w => w.Batch)];
            await _queue.EnqueueAsync(batches, _stopping.Token);
            foreach (var waiting in group)
            {
                waiting.Confirmed.TrySetResult();
            }
        }
        catch (Exception exception)
        {
            var failure = exception as QueueUnavailableException ?? new QueueUnavailableException("The broker did not take the message.", exception);
            foreach (var waiting in group)
            {
                waiting.Confirmed.TrySetException(failure);
            }
        }
        finally
        {
            _inFlight.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _waiting.Writer.TryComplete();
        await _sender;
        await _stopping.CancelAsync();
        _stopping.Dispose();
    }

    private sealed record Waiting(RideBatch Batch, Activity? Request)
    {
        public TaskCompletionSource Confirmed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
