using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.ServiceDefaults.Audit;

/// <summary>An audit event as shared/formats/audit-event.md describes it (serialised snake_case).</summary>
public sealed record AuditEvent
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required DateTimeOffset OccurredAt { get; init; }

    public required string Application { get; init; }

    public string? Environment { get; init; }

    public required string Category { get; init; }

    public required string Action { get; init; }

    public required string Outcome { get; init; }

    public string Level { get; init; } = "info";

    public required AuditActor Actor { get; init; }

    public AuditResource? Resource { get; init; }

    public string? TraceId { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    public IReadOnlyDictionary<string, object?>? Details { get; init; }
}

public sealed record AuditActor(string Type, string Id, string? Origin = null);

public sealed record AuditResource(string Type, string Id, string? Name = null);
