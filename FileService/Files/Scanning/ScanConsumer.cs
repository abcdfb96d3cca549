using System.Diagnostics;
using System.Text.Json;
using Fleet.FileService.Data;
using Fleet.FileService.Storage;
using Fleet.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Fleet.FileService.Files.Scanning;

/// <summary>
/// Scans the files that <c>files.scan</c> names, a few at a time (safe in several replicas): text-like content is read
/// streamed, within <see cref="ScanOptions"/>' bounds, and the level and findings stored on the file; other content is
/// marked skipped. A scan that fails is delivered again, and after <see cref="FileQueues.MaxDeliveries"/> attempts the
/// file is marked failed and the message dead-lettered. A file already scanned under the current rules is not scanned again.
/// </summary>
public sealed class ScanConsumer(
    IServiceScopeFactory scopes, IBlobStore blobs, IServiceProvider services, IOptions<ScanOptions> options, FileMetrics metrics,
    TimeProvider time, ILogger<ScanConsumer> logger) : BackgroundService
{
    public const string ActivitySourceName = "Fleet.FileService.Scanning";
    private static readonly ActivitySource Source = new(ActivitySourceName);

    public static bool IsText(string contentType) =>
        contentType.StartsWith("text/", StringComparison.Ordinal) || contentType is "application/json" or "application/xml";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        ConsumerLoop.RunAsync("The scanner", ConsumeAsync, logger, stoppingToken);

    /// <summary>One channel's life: scans what it delivers until it is lost.</summary>
    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        var connection = await services.GetRabbitMQConnectionAsync(stoppingToken);
        await FileQueues.DeclareAsync(connection, stoppingToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(false, false, consumerDispatchConcurrency: options.Value.Concurrency), stoppingToken);
        await channel.BasicQosAsync(0, options.Value.Concurrency, global: false, stoppingToken);
        var closed = new TaskCompletionSource();
        channel.ChannelShutdownAsync += (_, _) => { closed.TrySetResult(); return Task.CompletedTask; };
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => HandleAsync(channel, delivery, stoppingToken);
        await channel.BasicConsumeAsync(FileQueues.Scan, autoAck: false, consumer, stoppingToken);
        await closed.Task.WaitAsync(stoppingToken);
        logger.LogWarning("The scanner lost its channel; consuming again");
    }

    private async Task HandleAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        using var activity = Source.StartActivity("scan file", ActivityKind.Consumer, MessageTraceContext.Extract(delivery.BasicProperties));
        Guid fileId;
        try
        {
            fileId = JsonSerializer.Deserialize<FileMessage>(delivery.Body.Span)!.FileId;
        }
        catch (JsonException)
        {
            await channel.BasicRejectAsync(delivery.DeliveryTag, requeue: false, stoppingToken);
            return;
        }
        activity?.SetTag("file.id", fileId);

        try
        {
            await ScanAsync(fileId, stoppingToken);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, stoppingToken);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            metrics.ScanFailed();
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            var deliveries = delivery.BasicProperties.Headers?.TryGetValue("x-delivery-count", out var count) == true ? Convert.ToInt64(count) + 1 : 1;
            if (deliveries >= FileQueues.MaxDeliveries)
            {
                logger.LogWarning(exception, "Scan of file {FileId} failed {Deliveries} times; marked failed and dead-lettered", fileId, deliveries);
                await MarkFailedAsync(fileId, exception.Message, stoppingToken);
                await channel.BasicRejectAsync(delivery.DeliveryTag, requeue: false, stoppingToken);
            }
            else
            {
                logger.LogWarning(exception, "Scan of file {FileId} failed (delivery {Deliveries}); it comes again", fileId, deliveries);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, stoppingToken);
            }
        }
    }

    private async Task ScanAsync(Guid fileId, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FilesDbContext>();
        var file = await db.Files.AsNoTracking().FirstOrDefaultAsync(f => f.Id == fileId, stoppingToken);
        if (file is null || (file.ScanRulesVersion == ScanRules.Version && file.ScanStatus is "scanned" or "skipped"))
        {
            return; // deleted since, or scanned already under these rules
        }
        if (!IsText(file.ContentType))
        {
            await db.Files.Where(f => f.Id == fileId).ExecuteUpdateAsync(f => f
                .SetProperty(x => x.ScanStatus, "skipped").SetProperty(x => x.ScanRulesVersion, ScanRules.Version)
                .SetProperty(x => x.ScannedAt, time.GetUtcNow()).SetProperty(x => x.ScanError, (string?)null), stoppingToken);
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(options.Value.Timeout);
        ScanResult result;
        await using (var content = blobs.OpenRead(file.Sha256))
        {
            result = await SensitiveDataScanner.ScanAsync(content, options.Value.MaxCharacters, timeout.Token);
        }
        var findings = JsonSerializer.Serialize(result.Findings.Select(f => new { type = f.Type, count = f.Count, first_offsets = f.FirstOffsets }));
        await db.Files.Where(f => f.Id == fileId).ExecuteUpdateAsync(f => f
            .SetProperty(x => x.ScanStatus, "scanned").SetProperty(x => x.Sensitivity, result.Level)
            .SetProperty(x => x.ScanFindings, findings).SetProperty(x => x.ScanRulesVersion, ScanRules.Version)
            .SetProperty(x => x.ScannedAt, time.GetUtcNow()).SetProperty(x => x.ScanTruncated, result.Truncated)
            .SetProperty(x => x.ScanError, (string?)null), stoppingToken);
        metrics.Scanned(result);
    }

    private async Task MarkFailedAsync(Guid fileId, string error, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FilesDbContext>();
        await db.Files.Where(f => f.Id == fileId).ExecuteUpdateAsync(f => f
            .SetProperty(x => x.ScanStatus, "failed").SetProperty(x => x.ScanError, error.Length > 1000 ? error[..1000] : error), stoppingToken);
    }
}
