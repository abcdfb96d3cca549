using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Fleet.AuditService.Events.Intake;

/// <summary>
/// Checks events as clients send them (shared/formats/audit-event.md) and writes each one back normalised: its id
/// (given, or a new one), the defaults filled in and <c>received_at</c> set. Every problem is named by its field's
/// path (<c>[3].actor.type</c> in a batch, <c>actor.type</c> for one event).
/// </summary>
public static partial class SubmittedEvents
{
    public const int MaxTags = 16;
    public const int MaxMetrics = 16;
    public const int MaxDetailsBytes = 16 * 1024;
    public const int MaxDetailsDepth = 8;

    /// <summary>How far ahead of the service's clock <c>occurred_at</c> may be: clocks drift, the future does not happen.</summary>
    public static readonly TimeSpan MaxClockAhead = TimeSpan.FromMinutes(5);

    private static readonly string[] Known =
        ["id", "occurred_at", "received_at", "application", "environment", "category", "action", "outcome", "level", "actor", "resource", "trace_id", "tags", "metrics", "details"];
    private static readonly string[] Outcomes = ["success", "failure", "unknown"];
    public static readonly string[] Levels = ["debug", "info", "warning", "error", "critical"];
    private static readonly string[] ActorTypes = ["user", "client", "service"];

    /// <summary>Checks one event; its problems go into <paramref name="errors"/> under <paramref name="path"/>.</summary>
    public static void Check(JsonElement submitted, string path, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        void Fail(string field, string message) => errors[Join(path, field)] = [message];
        if (submitted.ValueKind != JsonValueKind.Object)
        {
            errors[path.Length == 0 ? "$" : path] = ["An event is a JSON object."];
            return;
        }

        foreach (var property in submitted.EnumerateObject())
        {
            if (!Known.Contains(property.Name))
            {
                Fail(property.Name, "Not a field of an audit event; anything specific to the event type goes in 'details'.");
            }
        }

        if (submitted.TryGetProperty("id", out var id) && (id.ValueKind != JsonValueKind.String || !Guid.TryParse(id.GetString(), out _)))
        {
            Fail("id", "Must be a UUID.");
        }
        if (!submitted.TryGetProperty("occurred_at", out var occurredAt))
        {
            Fail("occurred_at", "Required.");
        }
        else if (ParseTime(occurredAt) is not { } when)
        {
            Fail("occurred_at", "Must be an ISO 8601 date and time with its offset, e.g. 2027-03-01T09:15:02.120+01:00.");
        }
        else if (when > now + MaxClockAhead)
        {
            Fail("occurred_at", "Is in the future.");
        }
        if (submitted.TryGetProperty("received_at", out _))
        {
            Fail("received_at", "Set by the service, not by the sender.");
        }

        CheckText(submitted, "application", 64, required: true, Fail);
        CheckText(submitted, "environment", 32, required: false, Fail);
        if (CheckText(submitted, "category", 64, required: true, Fail) is { } category && category.Any(char.IsWhiteSpace))
        {
            Fail("category", "Must not contain spaces.");
        }
        CheckText(submitted, "action", 128, required: true, Fail);
        CheckChoice(submitted, "outcome", Outcomes, required: true, Fail);
        CheckChoice(submitted, "level", Levels, required: false, Fail);
        if (!submitted.TryGetProperty("actor", out var actor))
        {
            Fail("actor", "Required: who did it, { \"type\": \"user\"|\"client\"|\"service\", \"id\": ..., \"origin\": ... }.");
        }
        else if (actor.ValueKind != JsonValueKind.Object)
        {
            Fail("actor", "Must be an object.");
        }
        else
        {
            CheckObjectFields(actor, ["type", "id", "origin"], "actor", Fail);
            CheckChoice(actor, "type", ActorTypes, required: true, (field, message) => Fail($"actor.{field}", message));
            CheckText(actor, "id", 256, required: true, (field, message) => Fail($"actor.{field}", message));
            CheckText(actor, "origin", 256, required: false, (field, message) => Fail($"actor.{field}", message));
        }
        if (submitted.TryGetProperty("resource", out var resource) && resource.ValueKind != JsonValueKind.Null)
        {
            if (resource.ValueKind != JsonValueKind.Object)
            {
                Fail("resource", "Must be an object.");
            }
            else
            {
                CheckObjectFields(resource, ["type", "id", "name"], "resource", Fail);
                CheckText(resource, "type", 64, required: true, (field, message) => Fail($"resource.{field}", message));
                CheckText(resource, "id", 256, required: true, (field, message) => Fail($"resource.{field}", message));
                CheckText(resource, "name", 256, required: false, (field, message) => Fail($"resource.{field}", message));
            }
        }
        if (submitted.TryGetProperty("trace_id", out var traceId) && traceId.ValueKind != JsonValueKind.Null
            && (traceId.ValueKind != JsonValueKind.String || !TraceId().IsMatch(traceId.GetString()!)))
        {
            Fail("trace_id", "Must be 32 lowercase hex characters.");
        }
        CheckPairs(submitted, "tags", MaxTags, JsonValueKind.String, "strings", Fail);
        CheckPairs(submitted, "metrics", MaxMetrics, JsonValueKind.Number, "numbers", Fail);
        if (submitted.TryGetProperty("details", out var details) && details.ValueKind != JsonValueKind.Null)
        {
            if (details.ValueKind != JsonValueKind.Object)
            {
                Fail("details", "Must be an object.");
            }
            else if (Encoding.GetByteCount(details.GetRawText()) > MaxDetailsBytes)
            {
                Fail("details", $"Must be at most {MaxDetailsBytes / 1024} KiB.");
            }
            else if (Depth(details) > MaxDetailsDepth)
            {
                Fail("details", $"Must nest at most {MaxDetailsDepth} levels deep.");
            }
        }
    }

    /// <summary>Writes a checked event with its id, defaults and <c>received_at</c>.</summary>
    public static void WriteNormalised(JsonElement submitted, DateTimeOffset receivedAt, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("id", submitted.TryGetProperty("id", out var id) ? Guid.Parse(id.GetString()!) : Guid.CreateVersion7());
        writer.WriteString("received_at", receivedAt);
        if (!submitted.TryGetProperty("environment", out _))
        {
            writer.WriteString("environment", "production");
        }
        if (!submitted.TryGetProperty("level", out _))
        {
            writer.WriteString("level", "info");
        }
        foreach (var property in submitted.EnumerateObject())
        {
            if (property.Name != "id" && property.Value.ValueKind != JsonValueKind.Null)
            {
                property.WriteTo(writer);
            }
        }
        writer.WriteEndObject();
    }

    public static DateTimeOffset? ParseTime(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is { } text && HasOffset().IsMatch(text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : null;

    private static readonly System.Text.UTF8Encoding Encoding = new(false);

    private static string Join(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";

    private static string? CheckText(JsonElement parent, string name, int maxLength, bool required, Action<string, string> fail)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                fail(name, "Required.");
            }
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            fail(name, "Must be a string.");
            return null;
        }
        var text = value.GetString()!;
        if (text.Length == 0 || text.Length > maxLength || text.Any(char.IsControl))
        {
            fail(name, $"Must be 1 to {maxLength} characters, none of them control characters.");
            return null;
        }
        return text;
    }

    private static void CheckChoice(JsonElement parent, string name, string[] choices, bool required, Action<string, string> fail)
    {
        if (CheckText(parent, name, 32, required, fail) is { } text && !choices.Contains(text))
        {
            fail(name, $"Must be one of {string.Join(", ", choices)}.");
        }
    }

    private static void CheckObjectFields(JsonElement value, string[] known, string path, Action<string, string> fail)
    {
        foreach (var property in value.EnumerateObject().Where(p => !known.Contains(p.Name)))
        {
            fail($"{path}.{property.Name}", $"Not a field of {path}: {string.Join(", ", known)}.");
        }
    }

    private static void CheckPairs(JsonElement parent, string name, int max, JsonValueKind kind, string kindName, Action<string, string> fail)
    {
        if (!parent.TryGetProperty(name, out var pairs) || pairs.ValueKind == JsonValueKind.Null)
        {
            return;
        }
        if (pairs.ValueKind != JsonValueKind.Object)
        {
            fail(name, $"Must be an object of names to {kindName}.");
            return;
        }
        var count = 0;
        foreach (var pair in pairs.EnumerateObject())
        {
            count++;
            if (pair.Value.ValueKind != kind || pair.Name.Length is 0 or > 64)
            {
                fail($"{name}.{pair.Name}", $"Names are 1 to 64 characters and values {kindName}.");
            }
            else if (kind == JsonValueKind.String && pair.Value.GetString()!.Length > 256)
            {
                fail($"{name}.{pair.Name}", "Must be at most 256 characters.");
            }
        }
        if (count > max)
        {
            fail(name, $"At most {max} pairs.");
        }
    }

    private static int Depth(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => 1 + value.EnumerateObject().Select(p => Depth(p.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + value.EnumerateArray().Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TraceId();

    // An offset is required: Z or ±hh:mm after the time.
    [GeneratedRegex(@"T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")]
    private static partial Regex HasOffset();
}
