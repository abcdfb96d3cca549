using System.Text.Json;

namespace Fleet.EndToEnd.Support;

/// <summary>What the tests read from the dashboard's telemetry API, which answers in OTLP JSON.</summary>
public static class OtlpJson
{
    /// <summary>Every span anywhere in an OTLP JSON document: its trace id and its name.</summary>
    public static IEnumerable<(string TraceId, string Name)> Spans(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => (element.TryGetProperty("spans", out var spans) && spans.ValueKind == JsonValueKind.Array
                ? spans.EnumerateArray().Where(s => s.TryGetProperty("name", out _) && s.TryGetProperty("traceId", out _))
                    .Select(s => (s.GetProperty("traceId").GetString()!, s.GetProperty("name").GetString()!))
                : [])
            .Concat(element.EnumerateObject().Where(p => p.Name != "spans").SelectMany(p => Spans(p.Value))),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Spans),
        _ => [],
    };

    /// <summary>Every <c>service.name</c> attribute value anywhere in an OTLP JSON document.</summary>
    public static IEnumerable<string> ServiceNames(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty("key", out var key) && key.ValueEquals("service.name")
                && element.TryGetProperty("value", out var value) && value.TryGetProperty("stringValue", out var name))
            {
                yield return name.GetString()!;
            }
            foreach (var property in element.EnumerateObject())
            {
                foreach (var found in ServiceNames(property.Value))
                {
                    yield return found;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray().SelectMany(ServiceNames))
            {
                yield return item;
            }
        }
    }
}
