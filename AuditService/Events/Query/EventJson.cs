using System.Text.Json;
using Npgsql;

namespace Fleet.AuditService.Events.Query;

/// <summary>A stored event written back in the format's shape, from a row of <see cref="Select"/>.</summary>
public static class EventJson
{
    public const string Select = "id, occurred_at, received_at, application, environment, category, action, outcome, level, "
        + "actor_type, actor_id, actor_origin, resource_type, resource_id, resource_name, trace_id, tags::text, metrics::text, details::text";

    public static void Write(NpgsqlDataReader row, Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("id", row.GetGuid(0));
        json.WriteString("occurred_at", row.GetFieldValue<DateTimeOffset>(1));
        json.WriteString("received_at", row.GetFieldValue<DateTimeOffset>(2));
        json.WriteString("application", row.GetString(3));
        json.WriteString("environment", row.GetString(4));
        json.WriteString("category", row.GetString(5));
        json.WriteString("action", row.GetString(6));
        json.WriteString("outcome", row.GetString(7));
        json.WriteString("level", row.GetString(8));
        json.WriteStartObject("actor");
        json.WriteString("type", row.GetString(9));
        json.WriteString("id", row.GetString(10));
        WriteIfPresent(json, "origin", row, 11);
        json.WriteEndObject();
        if (!row.IsDBNull(12))
        {
            json.WriteStartObject("resource");
            json.WriteString("type", row.GetString(12));
            WriteIfPresent(json, "id", row, 13);
            WriteIfPresent(json, "name", row, 14);
            json.WriteEndObject();
        }
        WriteIfPresent(json, "trace_id", row, 15);
        foreach (var (name, ordinal) in (ReadOnlySpan<(string, int)>)[("tags", 16), ("metrics", 17), ("details", 18)])
        {
            if (!row.IsDBNull(ordinal))
            {
                json.WritePropertyName(name);
                json.WriteRawValue(row.GetString(ordinal), skipInputValidation: true);
            }
        }
        json.WriteEndObject();
    }

    private static void WriteIfPresent(Utf8JsonWriter json, string name, NpgsqlDataReader row, int ordinal)
    {
        if (!row.IsDBNull(ordinal))
        {
            json.WriteString(name, row.GetString(ordinal));
        }
    }
}
