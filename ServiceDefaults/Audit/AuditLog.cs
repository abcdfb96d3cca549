using System.Diagnostics;
using System.Security.Claims;
using System.Threading.Channels;
using Fleet.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.ServiceDefaults.Audit;

/// <summary>
/// Records audit events without ever blocking or failing the request that caused them: a bounded in-memory queue that
/// <see cref="AuditPublisher"/> drains to <c>fleet.audit</c>, retrying until the broker confirms each event. Each event
/// keeps the trace it was recorded in, so its trace runs on through the queue to AuditService.
/// </summary>
public sealed class AuditLog(IOptions<AuditLogOptions> options, IHttpContextAccessor httpContext, IHostEnvironment environment,
    TimeProvider time, ILogger<AuditLog> logger)
{
    internal Channel<PendingAuditEvent> Queue { get; } = Channel.CreateBounded<PendingAuditEvent>(new BoundedChannelOptions(options.Value.Capacity)
    {
        FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of silently dropping, so it can be logged
        SingleReader = true,
    });

    /// <summary>Records that <paramref name="actorType"/> <paramref name="actorId"/> did <paramref name="action"/>, now, from the current request's address.</summary>
    public void Record(
        string category,
        string action,
        string outcome,
        string actorType,
        string actorId,
        AuditResource? resource = null,
        IReadOnlyDictionary<string, object?>? details = null,
        string level = "info",
        IReadOnlyDictionary<string, string>? tags = null) => Record(new AuditEvent
        {
            OccurredAt = time.GetUtcNow(),
            Application = options.Value.Application,
            Environment = environment.EnvironmentName.ToLowerInvariant(),
            Category = category,
            Action = action,
            Outcome = outcome,
            Level = level,
            Actor = new AuditActor(actorType, actorId, httpContext.HttpContext?.Connection.RemoteIpAddress?.ToString()),
            Resource = resource,
            TraceId = Activity.Current?.TraceId.ToHexString(),
            Tags = tags,
            Details = details,
        });

    /// <summary>Records that the caller did <paramref name="action"/>: a user if their token names roles, else a machine client.</summary>
    public void Record(
        string category,
        string action,
        string outcome,
        ClaimsPrincipal caller,
        AuditResource? resource = null,
        IReadOnlyDictionary<string, object?>? details = null,
        string level = "info") =>
        Record(category, action, outcome, caller.FindFirst(FleetClaims.Roles) is null ? "client" : "user",
            caller.FindFirst(FleetClaims.Subject)?.Value ?? "", resource, details, level);

    public void Record(AuditEvent auditEvent)
    {
        if (!Queue.Writer.TryWrite(new PendingAuditEvent(auditEvent, Activity.Current?.Context ?? default)))
        {
            logger.LogWarning("Audit queue full: dropped {Action} ({Outcome}) by {ActorType} {ActorId}",
                auditEvent.Action, auditEvent.Outcome, auditEvent.Actor.Type, auditEvent.Actor.Id);
        }
    }
}

/// <summary>An event waiting for the broker, with the trace it was recorded in.</summary>
internal sealed record PendingAuditEvent(AuditEvent Event, ActivityContext Parent);
