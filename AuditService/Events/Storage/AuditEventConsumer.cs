using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Fleet.ServiceDefaults.Audit;
using Fleet.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Fleet.AuditService.Events.Storage;

/// <summary>
/// Takes events off <see cref="AuditQueues.Events"/> and stores them, acknowledging each message only after the
/// transaction that stored it committed. Messages are gathered into one write (<see cref="AuditStorageOptions"/>); a
/// message that is not audit events, or that PostgreSQL refuses, is dead-lettered; a database that is away is waited for, the messages held.
/// If the consumer dies, what it held unacknowledged is delivered again and stored once. Safe in several replicas.
/// </summary>
public sealed class AuditEventConsumer(
    IServiceProvider services,
    AuditEventWriter writer,
    IOptions<AuditStorageOptions> options,
    AuditMetrics metrics,
    TimeProvider time,
    ILogger<AuditEventConsumer> logger) : BackgroundService
{
    public const string ActivitySourceName = "Fleet.AuditService.Storage";

    /// <summary>Header with which intake says who submitted the message's events (the caller's <c>sub</c>).</summary>
    public const string SubmittedByHeader = "x-submitted-by";

    private static readonly ActivitySource Source = new(ActivitySourceName);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        ConsumerLoop.RunAsync("Audit storage", ConsumeAsync, logger, stoppingToken);

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        var connection = await services.GetRabbitMQConnectionAsync(stoppingToken);
        await AuditQueues.DeclareAsync(connection, stoppingToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        await channel.BasicQosAsync(0, options.Value.Prefetch, global: false, stoppingToken);

        // Delivery tags belong to one channel: once it is lost, what it held comes again on a new one.
        var deliveries = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });
        channel.ChannelShutdownAsync += (_, _) =>
        {
            deliveries.Writer.TryComplete();
            return Task.CompletedTask;
        };
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, message) =>
        {
            var submittedBy = message.BasicProperties.Headers?.TryGetValue(SubmittedByHeader, out var value) == true && value is byte[] bytes
                ? Encoding.UTF8.GetString(bytes) : null;
            var events = StoredEvent.ReadMessage(message.Body.Span, submittedBy, time.GetUtcNow());
            deliveries.Writer.TryWrite(new Delivery(message.DeliveryTag, events, MessageTraceContext.Extract(message.BasicProperties)));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(AuditQueues.Events, autoAck: false, consumer, stoppingToken);

        var reader = deliveries.Reader;
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            var batch = await GatherAsync(reader, stoppingToken);
            await StoreAsync(channel, batch, stoppingToken);
        }
        logger.LogWarning("Audit storage lost its channel; consuming again on a new one");
    }

    private async Task<List<Delivery>> GatherAsync(ChannelReader<Delivery> reader, CancellationToken stoppingToken)
    {
        var batch = new List<Delivery>();
        var events = 0;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        wait.CancelAfter(options.Value.BatchDelay);
        while (events < options.Value.BatchEvents)
        {
            if (reader.TryRead(out var delivery))
            {
                batch.Add(delivery);
                events += delivery.Events?.Count ?? 0;
                continue;
            }
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

    private async Task StoreAsync(IChannel channel, List<Delivery> batch, CancellationToken stoppingToken)
    {
        foreach (var unreadable in batch.Where(d => d.Events is null))
        {
            logger.LogWarning("Dead-lettered message {Tag}: it is not audit events", unreadable.Tag);
            await channel.BasicRejectAsync(unreadable.Tag, requeue: false, stoppingToken);
            metrics.DeadLettered(1);
        }
        var storable = batch.Where(d => d.Events is not null).ToList();
        if (storable.Count == 0)
        {
            return;
        }

        var events = storable.SelectMany(d => d.Events!).ToList();
        var started = DateTimeOffset.UtcNow;
        // The write (its COPY and insert) is one span, linked to every message's trace; each message's trace gets a span
        // of its own for its part, from the batch's start to its commit, linked back to the write.
        using var write = Source.StartActivity("write audit events", ActivityKind.Internal, parentContext: default,
            links: storable.Where(d => d.Trace != default).Select(d => new ActivityLink(d.Trace)));
        write?.SetTag("audit.events", events.Count);
        for (var backoff = TimeSpan.FromMilliseconds(250); ; backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2)
        {
            try
            {
                var stored = await writer.WriteAsync(events, stoppingToken);
                metrics.Stored(stored);
                break;
            }
            catch (Exception exception) when (!IsTransient(exception) && !stoppingToken.IsCancellationRequested)
            {
                // Not the database being away but events it will never take (a NUL in a string, say): find the message.
                if (storable.Count > 1)
                {
                    foreach (var delivery in storable)
                    {
                        await StoreAsync(channel, [delivery], stoppingToken);
                    }
                    return;
                }
                logger.LogWarning(exception, "Dead-lettered message {Tag}: its events cannot be stored", storable[0].Tag);
                await channel.BasicRejectAsync(storable[0].Tag, requeue: false, stoppingToken);
                metrics.DeadLettered(events.Count);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (!channel.IsOpen)
                {
                    return; // its messages come again on the next channel
                }
                logger.LogWarning(exception, "{Count} audit events not stored; trying again in {Backoff}", events.Count, backoff);
                await Task.Delay(backoff, stoppingToken);
            }
        }
        foreach (var delivery in storable)
        {
            await channel.BasicAckAsync(delivery.Tag, multiple: false, stoppingToken);
            using var span = Source.StartActivity("store audit events", ActivityKind.Consumer, delivery.Trace,
                links: write is null ? null : [new ActivityLink(write.Context)], startTime: started);
            span?.SetTag("audit.events", delivery.Events!.Count);
        }
    }

    /// <summary>The database, or the way to it, is away or busy: worth the same batch again.</summary>
    private static bool IsTransient(Exception exception) =>
        exception is Npgsql.NpgsqlException { IsTransient: true } or TimeoutException or System.Net.Sockets.SocketException or OperationCanceledException;

    private sealed record Delivery(ulong Tag, List<StoredEvent>? Events, ActivityContext Trace);
}
