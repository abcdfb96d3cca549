using System.Diagnostics;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Fleet.ServiceDefaults.Messaging;

/// <summary>
/// Publishes persistent messages and returns only once the broker has confirmed them, so a caller
/// can acknowledge its own client (202) knowing the message is safe. Publishes run concurrently on
/// one channel with publisher confirmations and confirm tracking; at most
/// <see cref="RabbitMQPublisherOptions.MaxOutstandingConfirms"/> await their confirm at once.
/// Built on the service's one broker connection, the <see cref="IConnection"/> that Aspire's
/// <c>AddRabbitMQClient</c> registers.
/// </summary>
public sealed class RabbitMQPublisher(IServiceProvider services, IOptions<RabbitMQPublisherOptions> options)
    : IAsyncDisposable
{
    private readonly SemaphoreSlim _channelGate = new(1, 1);
    private readonly ConcurrencyLimiter _outstandingConfirms = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.MaxOutstandingConfirms,
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });
    private IChannel? _channel;
    private bool _exchangesDeclared;

    /// <summary>
    /// Publishes <paramref name="body"/> and waits for the broker's confirm. The message is made
    /// persistent, gets a <c>MessageId</c> and timestamp unless set, and carries the current trace
    /// context in its headers.
    /// </summary>
    /// <param name="mandatory">Fail with <see cref="MessagePublishException.Returned"/> when no queue is bound for the routing key.</param>
    /// <exception cref="MessagePublishException">The broker nacked or returned the message.</exception>
    /// <remarks>If <paramref name="cancellationToken"/> fires while the confirm is awaited, the message may still have been delivered.</remarks>
    public async Task PublishAsync(
        string exchange,
        string routingKey,
        ReadOnlyMemory<byte> body,
        BasicProperties? properties = null,
        bool mandatory = false,
        CancellationToken cancellationToken = default)
    {
        var message = properties is null ? new BasicProperties() : new BasicProperties(properties);
        message.DeliveryMode = DeliveryModes.Persistent;
        message.MessageId ??= Guid.CreateVersion7().ToString();
        if (message.Timestamp.UnixTime == 0)
        {
            message.Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        }
        message.Headers = message.Headers is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(message.Headers);
        MessageTraceContext.Inject(Activity.Current, message.Headers);

        var channel = await GetChannelAsync(cancellationToken);
        try
        {
            await channel.BasicPublishAsync(exchange, routingKey, mandatory, message, body, cancellationToken);
        }
        catch (PublishException exception)
        {
            throw new MessagePublishException(exchange, routingKey, exception.IsReturn, exception);
        }
    }

    /// <summary>Publishes <paramref name="message"/> as JSON (web defaults: camelCase), waiting for the confirm.</summary>
    public Task PublishJsonAsync<T>(
        string exchange,
        string routingKey,
        T message,
        bool mandatory = false,
        CancellationToken cancellationToken = default) =>
        PublishAsync(
            exchange,
            routingKey,
            JsonSerializer.SerializeToUtf8Bytes(message, JsonSerializerOptions.Web),
            new BasicProperties { ContentType = "application/json" },
            mandatory,
            cancellationToken);

    private async ValueTask<IChannel> GetChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } channel)
        {
            return channel;
        }

        await _channelGate.WaitAsync(cancellationToken);
        try
        {
            if (_channel is { IsOpen: true })
            {
                return _channel;
            }

            // A channel-level error (e.g. a publish to a missing exchange) closes the channel for good.
            if (_channel is not null)
            {
                await _channel.DisposeAsync();
                _channel = null;
            }

            // Resolved on first use, so that a broker that is down makes publishes fail rather than the service's start-up.
            var connection = await services.GetRabbitMQConnectionAsync(cancellationToken);
            if (!_exchangesDeclared && options.Value.DeclareExchanges)
            {
                await FleetExchanges.DeclareAsync(connection, cancellationToken);
                _exchangesDeclared = true;
            }
            _channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(
                    publisherConfirmationsEnabled: true,
                    publisherConfirmationTrackingEnabled: true,
                    outstandingPublisherConfirmationsRateLimiter: _outstandingConfirms),
                cancellationToken);
            return _channel;
        }
        finally
        {
            _channelGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is { } channel)
        {
            _channel = null;
            await channel.DisposeAsync();
        }
        _outstandingConfirms.Dispose();
    }
}
