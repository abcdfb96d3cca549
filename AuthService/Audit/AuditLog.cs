using System.Diagnostics;
using System.Threading.Channels;

namespace Fleet.AuthService.Audit;

/// <summary>
/// Records audit events without ever blocking or failing the request: a bounded in-memory queue that
/// <see cref="AuditPublisher"/> drains. When the queue is full (broker down for long), events are dropped and logged.
/// </summary>
public sealed class AuditLog(IHttpContextAccessor httpContext, IHostEnvironment environment, TimeProvider time, ILogger<AuditLog> logger)
{
    public const int Capacity = 10_000;

    internal Channel<AuditEvent> Queue { get; } = Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of silently dropping, so we can log
        SingleReader = true,
    });

    public void Record(
        string category,
        string action,
        string outcome,
        string actorType,
        string actorId,
        AuditResource? resource = null,
        IReadOnlyDictionary<string, object?>? details = null,
        string level = "info")
    {
        var auditEvent = new AuditEvent
        {
            OccurredAt = time.GetUtcNow(),
            Environment = environment.EnvironmentName.ToLowerInvariant(),
            Category = category,
            Action = action,
            Outcome = outcome,
            Level = level,
            Actor = new AuditActor(actorType, actorId, httpContext.HttpContext?.Connection.RemoteIpAddress?.ToString()),
            Resource = resource,
            TraceId = Activity.Current?.TraceId.ToHexString(),
            Details = details,
        };
        if (!Queue.Writer.TryWrite(auditEvent))
        {
            logger.LogWarning("Audit queue full: dropped {Action} ({Outcome}) by {ActorType} {ActorId}", action, outcome, actorType, actorId);
        }
    }
}
