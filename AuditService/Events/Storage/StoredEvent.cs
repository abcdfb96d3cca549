using System.Text.Json;
using Fleet.AuditService.Events.Intake;

namespace Fleet.AuditService.Events.Storage;

/// <summary>One row of <c>audit.events</c>, read from a queued event (normalised by intake, or emitted by a Fleet service).</summary>
public sealed record StoredEvent(
    Guid Id, DateTimeOffset OccurredAt, DateTimeOffset ReceivedAt, string Application, string Environment, string Category,
    string Action, string Outcome, string Level, string ActorType, string ActorId, string? ActorOrigin,
    string? ResourceType, string? ResourceId, string? ResourceName, string? TraceId,
    string? Tags, string? Metrics, string? Details, string? SubmittedBy)
{
    /// <summary>The events of one queued message (an object, or an array of them); null if any of them cannot be stored.</summary>
    public static List<StoredEvent>? ReadMessage(ReadOnlySpan<byte> body, string? submittedBy, DateTimeOffset now)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            var events = new List<StoredEvent>();
            foreach (var element in root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : Enumerable.Repeat(root, 1))
            {
                if (Read(element, submittedBy, now) is not { } stored)
                {
                    return null;
                }
                events.Add(stored);
            }
            return events;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static StoredEvent? Read(JsonElement e, string? submittedBy, DateTimeOffset now)
    {
        if (!e.TryGetProperty("actor", out var actor) || SubmittedEvents.ParseTime(e.GetProperty("occurred_at")) is not { } occurredAt)
        {
            return null;
        }
        e.TryGetProperty("resource", out var resource);
        return new StoredEvent(
            e.TryGetProperty("id", out var id) ? id.GetGuid() : Guid.CreateVersion7(),
            occurredAt.ToUniversalTime(),
            (e.TryGetProperty("received_at", out var receivedAt) ? receivedAt.GetDateTimeOffset() : now).ToUniversalTime(),
            e.GetProperty("application").GetString()!,
            Text(e, "environment") ?? "production",
            e.GetProperty("category").GetString()!,
            e.GetProperty("action").GetString()!,
            e.GetProperty("outcome").GetString()!,
            Text(e, "level") ?? "info",
            actor.GetProperty("type").GetString()!,
            actor.GetProperty("id").GetString()!,
            Text(actor, "origin"),
            Text(resource, "type"),
            Text(resource, "id"),
            Text(resource, "name"),
            Text(e, "trace_id"),
            Json(e, "tags"),
            Json(e, "metrics"),
            Json(e, "details"),
            submittedBy);
    }

    private static string? Text(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Json(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value.GetRawText() : null;
}
