using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Fleet.IngestService.Rides.Queue;
using Fleet.IngestService.Telemetry;
using Fleet.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Fleet.IngestService.Rides.Storage;

/// <summary>
/// Takes ride batches off <see cref="RideQueues.Rides"/> and stores them, acknowledging each message only after the
/// transaction that stored it committed. Messages are gathered into one write until <see cref="StorageOptions.BatchRides"/>
/// rides or <see cref="StorageOptions.BatchDelay"/>. A database that is away is waited for, the messages held; a message
/// that cannot be stored is retried after each of <see cref="StorageOptions.RetryDelays"/>, then dead-lettered, and its
/// request says why. Safe to run in several replicas: the writes are idempotent and lock rides in id order.
/// </summary>
public sealed class RideStorageConsumer(
    IServiceProvider services,
    RideBatchWriter writer,
    RabbitMQPublisher publisher,
    IOptions<StorageOptions> options,
    IngestMetrics metrics,
    ILogger<RideStorageConsumer> logger) : BackgroundService
{
    public const string ActivitySourceName = "Fleet.IngestService.Storage";

    private static readonly ActivitySource Source = new(ActivitySourceName);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private StorageOptions Options => options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        ConsumerLoop.RunAsync("Ride storage", ConsumeAsync, logger, stoppingToken);

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        var connection = await services.GetRabbitMQConnectionAsync(stoppingToken);
        await RideQueues.DeclareAsync(connection, Options, stoppingToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        await channel.BasicQosAsync(0, Options.Prefetch, global: false, stoppingToken);

        // Delivery tags belong to one channel: after the channel is lost (and perhaps recovered), the broker redelivers
        // what was not acknowledged, and an old tag must never be acknowledged on the new channel.
        var epoch = 0;
        var deliveries = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });
        channel.ChannelShutdownAsync += (_, _) =>
        {
            Interlocked.Increment(ref epoch);
            deliveries.Writer.TryComplete();
            return Task.CompletedTask;
        };
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, message) =>
        {
            var body = message.Body.ToArray();
            deliveries.Writer.TryWrite(new Delivery(message.DeliveryTag, Volatile.Read(ref epoch), body, message.BasicProperties, Parse(body)));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(RideQueues.Rides, autoAck: false, consumer, stoppingToken);

        // Until the channel is lost: then this returns, the channel is closed (what it held unacknowledged goes back to
        // the queue) and a new one is opened.
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var reportDepth = ReportQueueDepthAsync(channel, session.Token);
        var reader = deliveries.Reader;
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            var batch = await GatherAsync(reader, stoppingToken);
            await StoreAsync(channel, batch, () => Volatile.Read(ref epoch), stoppingToken);
        }
        await session.CancelAsync();
        await reportDepth;
        logger.LogWarning("Ride storage lost its channel; consuming again on a new one");
    }

    private async Task<List<Delivery>> GatherAsync(ChannelReader<Delivery> reader, CancellationToken stoppingToken)
    {
        var batch = new List<Delivery>();
        var rides = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(Options.BatchDelay.TotalSeconds * Stopwatch.Frequency);
        while (rides < Options.BatchRides)
        {
            if (reader.TryRead(out var delivery))
            {
                batch.Add(delivery);
                rides += delivery.Rides;
                continue;
            }
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(remaining);
            try
            {
                if (!await reader.WaitToReadAsync(wait.Token))
                {
                    break;
                }
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
        return batch;
    }

    private async Task StoreAsync(IChannel channel, List<Delivery> deliveries, Func<int> epoch, CancellationToken stoppingToken)
    {
        var failed = deliveries.Where(d => d.Batches is null || d.DeliveryCount >= Options.MaxDeliveries).ToList();
        foreach (var delivery in failed)
        {
            await GiveUpAsync(channel, delivery, epoch, delivery.Batches is null
                ? "the message could not be read as a ride batch"
                : $"delivered {delivery.DeliveryCount} times without being stored: its consumer stopped each time", stoppingToken);
        }
        var storable = deliveries.Except(failed).ToList();
        if (storable.Count == 0)
        {
            return;
        }

        using var activity = StartActivity(storable);
        for (var backoff = TimeSpan.FromMilliseconds(250); ; backoff = Min(backoff * 2, MaxBackoff))
        {
            try
            {
                var rides = await writer.WriteAsync([.. storable.SelectMany(d => d.Batches!)], stoppingToken);
                activity?.SetTag("fleet.rides.count", rides);
                await AcknowledgeAsync(channel, storable, epoch, stoppingToken);
                metrics.Stored(rides);
                return;
            }
            catch (Exception exception) when (IsTransient(exception) && !stoppingToken.IsCancellationRequested)
            {
                if (epoch() != storable[0].Epoch)
                {
                    return; // the channel is gone: the broker delivers these again
                }
                logger.LogWarning(exception, "Storing {Count} ride batches failed; trying again in {Backoff}", storable.Count, backoff);
                await Task.Delay(backoff, stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
                if (storable.Count == 1)
                {
                    await RetryLaterAsync(channel, storable[0], epoch, exception.Message, stoppingToken);
                    return;
                }
                // One message spoils the batch: store them one by one to find it.
                foreach (var delivery in storable)
                {
                    await StoreAsync(channel, [delivery], epoch, stoppingToken);
                }
                return;
            }
        }
    }

    /// <summary>Puts the message on the retry queue of its next delay, or gives up on it after the last.</summary>
    private async Task RetryLaterAsync(IChannel channel, Delivery delivery, Func<int> epoch, string reason, CancellationToken stoppingToken)
    {
        if (delivery.Attempts >= Options.RetryDelays.Length)
        {
            await GiveUpAsync(channel, delivery, epoch, $"not stored after {delivery.Attempts + 1} attempts: {reason}", stoppingToken);
            return;
        }
        var delay = Options.RetryDelays[delivery.Attempts];
        logger.LogWarning("Ride message {Parts} was not stored ({Reason}); retrying in {Delay}", delivery.Label, reason, delay);
        await publisher.PublishAsync("", RideQueues.Retry(delay), delivery.Body,
            WithHeader(delivery, RideQueue.Headers.Attempts, delivery.Attempts + 1), mandatory: true, stoppingToken);
        await AcknowledgeAsync(channel, [delivery], epoch, stoppingToken);
    }

    /// <summary>Records the failure on the message's requests, moves the message to the dead-letter queue, and acknowledges it.</summary>
    private async Task GiveUpAsync(IChannel channel, Delivery delivery, Func<int> epoch, string reason, CancellationToken stoppingToken)
    {
        logger.LogError("Ride message {Parts} dead-lettered: {Reason}", delivery.Label, reason);
        for (var backoff = TimeSpan.FromMilliseconds(250); ; backoff = Min(backoff * 2, MaxBackoff))
        {
            try
            {
                foreach (var (trackingId, part, batch) in delivery.Parts)
                {
                    await writer.MarkFailedAsync(trackingId, part, batch, reason, stoppingToken);
                }
                break;
            }
            catch (Exception exception) when (IsTransient(exception) && !stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(backoff, stoppingToken);
            }
        }
        await publisher.PublishAsync("", RideQueues.Dead, delivery.Body, WithHeader(delivery, RideQueue.Headers.Failure, reason),
            mandatory: true, stoppingToken);
        await AcknowledgeAsync(channel, [delivery], epoch, stoppingToken);
        metrics.DeadLettered(delivery.Rides);
    }

    private static async Task AcknowledgeAsync(IChannel channel, IEnumerable<Delivery> deliveries, Func<int> epoch, CancellationToken cancellationToken)
    {
        foreach (var delivery in deliveries)
        {
            if (delivery.Epoch != epoch())
            {
                return; // stored, but the channel it came on is gone: it comes again, and storing it again changes nothing
            }
            await channel.BasicAckAsync(delivery.Tag, multiple: false, cancellationToken);
        }
    }

    private async Task ReportQueueDepthAsync(IChannel channel, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        try
        {
            do
            {
                if (channel.IsOpen)
                {
                    metrics.QueueDepth(await channel.MessageCountAsync(RideQueues.Rides, stoppingToken));
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogDebug(exception, "Queue depth not reported");
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One activity for the write, continuing the first message's trace and linked to the others'.</summary>
    private static Activity? StartActivity(List<Delivery> deliveries)
    {
        var contexts = deliveries.Select(d => MessageTraceContext.Extract(d.Properties)).ToList();
        return Source.StartActivity("store rides", ActivityKind.Consumer, contexts[0],
            links: contexts.Skip(1).Where(c => c != default).Select(c => new ActivityLink(c)));
    }

    private static BasicProperties WithHeader(Delivery delivery, string name, object value)
    {
        var properties = new BasicProperties(delivery.Properties);
        properties.Headers = new Dictionary<string, object?>(properties.Headers ?? new Dictionary<string, object?>()) { [name] = value };
        return properties;
    }

    private static RideBatch[]? Parse(byte[] body)
    {
        try
        {
            var batches = JsonSerializer.Deserialize(body, RideQueueJson.Default.RideBatchArray);
            return batches is { Length: > 0 } && batches.All(b => b is { Rides: not null, ClientId: not null }) ? batches : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The database (or the network to it) is away or busy, not the data wrong: worth the same batch again.</summary>
    private static bool IsTransient(Exception exception) => exception switch
    {
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException or IOException => true,
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
