using System.Diagnostics;
using System.Text.Json;
using Fleet.FileService.Data;
using Fleet.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;
using RabbitMQ.Client;

namespace Fleet.FileService.Files.Scanning;

/// <summary>
/// Publishes <c>files.outbox</c> in order, each message confirmed by the broker before its row goes. Woken by
/// <see cref="Nudge"/> after a commit, and every few seconds anyway. Rows are taken with SKIP LOCKED, so replicas
/// share the work; a message published twice (a crash between the confirm and the delete) is scanned twice, harmlessly.
/// </summary>
public sealed class OutboxRelay(IServiceScopeFactory scopes, RabbitMQPublisher publisher, IServiceProvider services, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    public const string ActivitySourceName = "Fleet.FileService.Outbox";
    private const int Batch = 100;
    private static readonly ActivitySource Source = new(ActivitySourceName);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _nudged = new(0);
    private bool _declared;

    /// <summary>Something was written to the outbox: publish it now rather than at the next poll.</summary>
    public void Nudge()
    {
        if (_nudged.CurrentCount == 0)
        {
            _nudged.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await PublishBatchAsync(stoppingToken) == Batch)
                {
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Outbox not published; trying again shortly");
            }
            await _nudged.WaitAsync(Poll, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task<int> PublishBatchAsync(CancellationToken cancellationToken)
    {
        if (!_declared)
        {
            await FileQueues.DeclareAsync(await services.GetRabbitMQConnectionAsync(cancellationToken), cancellationToken);
            _declared = true;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FilesDbContext>();
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var messages = await db.Outbox.FromSql($"SELECT * FROM files.outbox ORDER BY id LIMIT {Batch} FOR UPDATE SKIP LOCKED")
                .AsNoTracking().ToListAsync(cancellationToken);
            foreach (var message in messages)
            {
                ActivityContext.TryParse(message.TraceParent, null, out var parent);
                using var activity = Source.StartActivity($"publish {message.RoutingKey}", ActivityKind.Producer, parent);
                await publisher.PublishAsync(FleetExchanges.Events, message.RoutingKey,
                    JsonSerializer.SerializeToUtf8Bytes(new FileMessage(message.FileId)),
                    new BasicProperties { ContentType = "application/json", MessageId = $"outbox-{message.Id}" },
                    mandatory: true, cancellationToken);
            }
            var ids = messages.Select(m => m.Id).ToArray();
            await db.Outbox.Where(m => ids.Contains(m.Id)).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return messages.Count;
        });
    }
}

/// <summary>The body of <c>files.uploaded</c> and <c>files.rescan</c>.</summary>
public sealed record FileMessage([property: System.Text.Json.Serialization.JsonPropertyName("file_id")] Guid FileId);
