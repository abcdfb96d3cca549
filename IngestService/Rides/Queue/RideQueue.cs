using System.Text.Json;
using Fleet.IngestService.Rides.Intake;
using Fleet.IngestService.Rides.Storage;
using Fleet.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Fleet.IngestService.Rides.Queue;

/// <summary>Puts ride batches on <see cref="RideQueues.Rides"/> and returns once the broker has confirmed them as persisted.</summary>
public sealed class RideQueue(RabbitMQPublisher publisher, IServiceProvider services, IOptions<StorageOptions> storage, IOptions<IntakeOptions> intake)
{
    private readonly SemaphoreSlim _declare = new(1, 1);
    private volatile bool _declared;

    /// <summary>Queues <paramref name="batch"/>: persistent, mandatory (an unroutable message fails), confirmed.</summary>
    public Task EnqueueAsync(RideBatch batch, CancellationToken cancellationToken) =>
        EnqueueAsync(batch.TrackingId, batch.Part, JsonSerializer.SerializeToUtf8Bytes(batch, RideQueueJson.Default.RideBatch), cancellationToken);

    /// <summary>Queues a batch already serialized (<see cref="RideQueueJson"/>).</summary>
    /// <exception cref="QueueUnavailableException">The broker refused it, could not be reached, or did not confirm within
    /// <see cref="IntakeOptions.ConfirmTimeout"/>.</exception>
    public async Task EnqueueAsync(Guid trackingId, int part, ReadOnlyMemory<byte> batch, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(intake.Value.ConfirmTimeout);
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            Headers = new Dictionary<string, object?> { [Headers.TrackingId] = trackingId.ToString(), [Headers.Part] = part },
        };
        try
        {
            await EnsureDeclaredAsync(timeout.Token);
            await publisher.PublishAsync("", RideQueues.Rides, batch, properties, mandatory: true, timeout.Token);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new QueueUnavailableException($"The broker did not confirm part {part} of request {trackingId} within {intake.Value.ConfirmTimeout}.", exception);
        }
        catch (Exception exception) when (exception is MessagePublishException or RabbitMQClientException or IOException)
        {
            throw new QueueUnavailableException($"The broker did not take part {part} of request {trackingId}.", exception);
        }
    }

    private async Task EnsureDeclaredAsync(CancellationToken cancellationToken)
    {
        if (_declared)
        {
            return;
        }
        await _declare.WaitAsync(cancellationToken);
        try
        {
            if (!_declared)
            {
                var connection = await services.GetRabbitMQConnectionAsync(cancellationToken);
                await RideQueues.DeclareAsync(connection, storage.Value, cancellationToken);
                _declared = true;
            }
        }
        finally
        {
            _declare.Release();
        }
    }

    /// <summary>Message headers, for an operator reading a queue.</summary>
    public static class Headers
    {
        public const string TrackingId = "x-tracking-id";
        public const string Part = "x-part";
        public const string Attempts = "x-attempts";
        public const string Failure = "x-failure";
    }
}
