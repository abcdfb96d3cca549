using System.Text.Json;
using Fleet.IngestService.Rides.Intake;
using Fleet.IngestService.Rides.Storage;
using Fleet.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Fleet.IngestService.Rides.Queue;

/// <summary>Puts messages of ride batches on <see cref="RideQueues.Rides"/> and returns once the broker has confirmed them as persisted.</summary>
public sealed class RideQueue(RabbitMQPublisher publisher, IServiceProvider services, IOptions<StorageOptions> storage, IOptions<IntakeOptions> intake)
{
    private readonly SemaphoreSlim _declare = new(1, 1);
    private volatile bool _declared;

    /// <summary>Queues <paramref name="batches"/> as one message: persistent, mandatory (an unroutable message fails), confirmed.</summary>
    public Task EnqueueAsync(RideBatch[] batches, CancellationToken cancellationToken) =>
        EnqueueAsync(Serialize(batches), Label(batches), cancellationToken);

    /// <summary>A message as queued: an array of batches.</summary>
    public static byte[] Serialize(RideBatch[] batches) => JsonSerializer.SerializeToUtf8Bytes(batches, RideQueueJson.Default.RideBatchArray);

    /// <summary>The parts a message holds, <c>{trackingId}/{part}</c> separated by commas, for <see cref="Headers.Parts"/>.</summary>
    public static string Label(IEnumerable<RideBatch> batches) => string.Join(',', batches.Select(b => Label(b.TrackingId, b.Part)));

    public static string Label(Guid trackingId, int part) => $"{trackingId}/{part}";

    /// <summary>The parts a <see cref="Label"/> names; what is not a part is passed over.</summary>
    public static IEnumerable<(Guid TrackingId, int Part)> PartsOf(string label)
    {
        foreach (var one in label.Split(','))
        {
            if (one.Split('/') is [var id, var part] && Guid.TryParse(id, out var trackingId) && int.TryParse(part, out var number))
            {
                yield return (trackingId, number);
            }
        }
    }

    /// <summary>Queues a message already serialized (<see cref="Serialize"/>) holding the parts <paramref name="parts"/> names (<see cref="Label"/>).</summary>
    /// <exception cref="QueueUnavailableException">The broker refused it, could not be reached, or did not confirm within
    /// <see cref="IntakeOptions.ConfirmTimeout"/>.</exception>
    public async Task EnqueueAsync(ReadOnlyMemory<byte> message, string parts, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(intake.Value.ConfirmTimeout);
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            Headers = new Dictionary<string, object?> { [Headers.Parts] = parts },
        };
        try
        {
            await EnsureDeclaredAsync(timeout.Token);
            await publisher.PublishAsync("", RideQueues.Rides, message, properties, mandatory: true, timeout.Token);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new QueueUnavailableException($"The broker did not confirm {parts} within {intake.Value.ConfirmTimeout}.", exception);
        }
        catch (Exception exception) when (exception is MessagePublishException or RabbitMQClientException or IOException)
        {
            throw new QueueUnavailableException($"The broker did not take {parts}.", exception);
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
        /// <summary>The parts a message holds: <c>{trackingId}/{part}</c>, separated by commas.</summary>
        public const string Parts = "x-parts";
        public const string Attempts = "x-attempts";
        public const string Failure = "x-failure";
    }
}
