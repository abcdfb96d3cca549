using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Fleet.ServiceDefaults.Messaging;

/// <summary>
/// The service's one broker connection, opened on first use (with retries) and shared by every
/// publisher and consumer; each opens its own channels on it. Once open, the client recovers the
/// connection and its channels by itself after a network failure.
/// </summary>
public sealed class RabbitMQConnectionProvider(
    IOptions<RabbitMQClientOptions> options,
    IHostEnvironment environment,
    ILogger<RabbitMQConnectionProvider> logger) : IAsyncDisposable
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

    public async ValueTask<IConnection> GetConnectionAsync(CancellationToken cancellationToken = default)
    {
        if (_connection is { } connection)
        {
            return connection;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _connection ??= await ConnectAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException(
                "The RabbitMQ connection string is not configured: set ConnectionStrings:<name> as passed to AddRabbitMQClient " +
                "(environment variable ConnectionStrings__<name>, e.g. ConnectionStrings__rabbitmq) or RabbitMQ:ConnectionString.");
        }

        var factory = new ConnectionFactory
        {
            Uri = new Uri(settings.ConnectionString),
            ClientProvidedName = environment.ApplicationName,
            AutomaticRecoveryEnabled = true,
        };

        var delay = settings.ConnectRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var connection = await factory.CreateConnectionAsync(cancellationToken);
                try
                {
                    if (settings.DeclareExchanges)
                    {
                        await FleetExchanges.DeclareAsync(connection, cancellationToken);
                    }
                }
                catch
                {
                    await connection.DisposeAsync();
                    throw;
                }

                logger.LogInformation("Connected to RabbitMQ at {Endpoint}", connection.Endpoint);
                return connection;
            }
            catch (BrokerUnreachableException exception) when (attempt <= settings.ConnectRetryCount)
            {
                logger.LogWarning(exception, "RabbitMQ is unreachable (attempt {Attempt}); retrying in {Delay}", attempt, delay);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }
}
