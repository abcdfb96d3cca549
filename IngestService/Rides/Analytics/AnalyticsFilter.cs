using System.Text.Json.Serialization;

namespace Fleet.IngestService.Rides.Analytics;

/// <summary>What every analytics query takes: a window on the trip start (<c>from</c> inclusive, <c>to</c> exclusive) and a pickup city.</summary>
public sealed record AnalyticsFilter(DateTimeOffset? From, DateTimeOffset? To, int? City)
{
    public Dictionary<string, string[]> Errors()
    {
        var errors = new Dictionary<string, string[]>();
        if (From > To)
        {
            errors["from"] = ["must not be after to"];
        }
        return errors;
    }

    [JsonIgnore]
    public DateTimeOffset? FromUtc => From?.ToUniversalTime();

    [JsonIgnore]
    public DateTimeOffset? ToUtc => To?.ToUniversalTime();
}
