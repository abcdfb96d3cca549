using System.Diagnostics;
using System.Text.Json;
using Fleet.ServiceDefaults.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Fleet.ServiceDefaults.Audit;

/// <summary>
/// Drains <see cref="AuditLog"/> to <see cref="FleetExchanges.Audit"/>, routing key <c>audit.&lt;category&gt;</c>, a
/// batch at a time: persistent, mandatory and confirmed, after declaring <see cref="AuditQueues"/>. Events the broker
/// did not confirm are sent again, with growing pauses, until it does (AuditService stores each id once). On shutdown
/// what is left gets a few seconds to go.
/// </summary>
public sealed class AuditPublisher(AuditLog log, RabbitMQPublisher publisher, IServiceProvider services, ILogger<AuditPublisher> logger)
    : BackgroundService
{
    public const string ActivitySourceName = "Fleet.Audit";

    private const int MaxBatch = 256;
    private static readonly ActivitySource Source = new(ActivitySourceName);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);
    private bool _declared;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = log.Queue.Reader;
        var batch = new List<PendingAuditEvent>(MaxBatch);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                Fill(batch);
                await PublishUntilConfirmedAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            using var grace = new CancellationTokenSource(ShutdownGrace);
            try
            {
                do
                {
                    Fill(batch);
                    await PublishUntilConfirmedAsync(batch, grace.Token);
                }
                while (batch.Count == 0 && reader.TryPeek(out _));
            }
            catch (OperationCanceledException)
            {
                logger.LogWarning("Stopped with {Count} audit events not confirmed by the broker", batch.Count + reader.Count);
            }
        }
    }

    private void Fill(List<PendingAuditEvent> batch)
    {
        while (batch.Count < MaxBatch && log.Queue.Reader.TryRead(out var next))
        {
            batch.Add(next);
        }
    }

    /// <summary>Publishes the batch, taking out each event as it is confirmed; returns when none is left.</summary>
    private async Task PublishUntilConfirmedAsync(List<PendingAuditEvent> batch, CancellationToken cancellationToken)
    {
        for (var backoff = TimeSpan.FromMilliseconds(250); batch.Count > 0; backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2)
        {
            try
            {
                if (!_declared)
                {
                    await AuditQueues.DeclareAsync(await services.GetRabbitMQConnectionAsync(cancellationToken), cancellationToken);
                    _declared = true;
                }
                var confirmed = await Task.WhenAll(batch.Select(pending => PublishAsync(pending, cancellationToken)));
                var left = batch.Where((_, i) => !confirmed[i]).ToList();
                if (left.Count == 0)
                {
                    batch.Clear();
                    return;
                }
                batch.Clear();
                batch.AddRange(left);
                logger.LogWarning("The broker did not confirm {Count} audit events; sending them again in {Backoff}", left.Count, backoff);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Audit events not published; trying again in {Backoff}", backoff);
            }
            await Task.Delay(backoff, cancellationToken);
        }
    }

    private async Task<bool> PublishAsync(PendingAuditEvent pending, CancellationToken cancellationToken)
    {
        var auditEvent = pending.Event;
        using var activity = Source.StartActivity("audit publish", ActivityKind.Producer, pending.Parent);
        activity?.SetTag("audit.action", auditEvent.Action);
        try
        {
            await publisher.PublishAsync(
                FleetExchanges.Audit,
                AuditQueues.RoutingKey(auditEvent.Category),
                JsonSerializer.SerializeToUtf8Bytes(auditEvent, AuditEvent.JsonOptions),
                new BasicProperties { ContentType = "application/json", MessageId = auditEvent.Id.ToString(), Type = auditEvent.Action },
                mandatory: true,
                cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            logger.LogDebug(exception, "Audit event {Action} {Id} not published", auditEvent.Action, auditEvent.Id);
            return false;
        }
    }
}
