using System.Globalization;
using System.Text.Json;

namespace Fleet.IngestService.Rides;

/// <summary>XRides' timestamps: local time of the operator (India, UTC+05:30, no daylight saving) unless they say otherwise.</summary>
public static class OperatorTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(5.5);

    /// <summary>The CSV export's <c>M/d/yyyy H:mm</c>, as an instant in UTC.</summary>
    public static bool TryParseCsv(ReadOnlySpan<char> text, out DateTimeOffset instant)
    {
        if (DateTime.TryParseExact(text, "M/d/yyyy H:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            instant = new DateTimeOffset(local, Offset).ToUniversalTime();
            return true;
        }
        instant = default;
        return false;
    }

    /// <summary>An ISO 8601 JSON string, with or without an offset (without one, the operator's zone applies), in UTC.</summary>
    public static bool TryParseJson(JsonElement element, out DateTimeOffset instant)
    {
        if (element.ValueKind == JsonValueKind.String && element.TryGetDateTime(out var dateTime) && dateTime.Kind == DateTimeKind.Unspecified)
        {
            instant = new DateTimeOffset(dateTime, Offset).ToUniversalTime();
            return true;
        }
        if (element.ValueKind == JsonValueKind.String && element.TryGetDateTimeOffset(out var withOffset))
        {
            instant = withOffset.ToUniversalTime();
            return true;
        }
        instant = default;
        return false;
    }
}
