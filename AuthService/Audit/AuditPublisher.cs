using System.Text.Json;
using Fleet.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace Fleet.AuthService.Audit;

/// <summary>
/// Drains <see cref="AuditLog"/> to exchange <c>fleet.audit</c>, routing key <c>audit.&lt;category&gt;</c>,
/// with publisher confirms, a batch at a time. A batch that fails (broker down) is logged and dropped:
/// audit must never hold up authentication.
/// </summary>
public sealed class AuditPublisher(AuditLog log, RabbitMQPublisher publisher, ILogger<AuditPublisher> logger) : BackgroundService
{
    private const int MaxBatch = 64;
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = log.Queue.Reader;
        var batch = new List<AuditEvent>(MaxBatch);
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(PublishTimeout);
            var results = await Task.WhenAll(batch.Select(e => PublishAsync(e, timeout.Token)));
            if (results.Count(ok => !ok) is var failed and > 0)
            {
                logger.LogWarning("Dropped {Failed} of {Count} audit events: the broker did not confirm them", failed, batch.Count);
            }
            batch.Clear();
        }
    }

    private async Task<bool> PublishAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        try
        {
            await publisher.PublishAsync(
                FleetExchanges.Audit,
                $"audit.{auditEvent.Category}",
                JsonSerializer.SerializeToUtf8Bytes(auditEvent, AuditEvent.JsonOptions),
                new BasicProperties { ContentType = "application/json", MessageId = auditEvent.Id.ToString(), Type = auditEvent.Action },
                cancellationToken: cancellationToken);
            return true;
        }
        catch (Exception exception)
        {
            logger.LogDebug(exception, "Audit event {Action} {Id} not published", auditEvent.Action, auditEvent.Id);
            return false;
        }
    }
}
