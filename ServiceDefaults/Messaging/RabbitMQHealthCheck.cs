using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fleet.ServiceDefaults.Messaging;

/// <summary>Healthy while the service's broker connection is open (connecting first if need be).</summary>
internal sealed class RabbitMQHealthCheck(RabbitMQConnectionProvider connections) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await connections.GetConnectionAsync(cancellationToken);
            return connection.IsOpen
                ? HealthCheckResult.Healthy()
                : new HealthCheckResult(context.Registration.FailureStatus, "The RabbitMQ connection is closed; the client is recovering it.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "RabbitMQ is unreachable.", exception);
        }
    }
}
