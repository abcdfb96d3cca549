using System.Globalization;

namespace Fleet.SchedulerService.Search;

/// <summary>
/// A search's <c>starts_at</c>/<c>ends_at</c>: ISO 8601 date-times, compared with the provider's local times as clock
/// times (an offset or a Z, if given, is not converted). Normalised to whole seconds, which is also the cache key.
/// </summary>
public readonly record struct SearchRange(DateTime StartsAt, DateTime EndsAt)
{
    /// <summary>The longest range answered: longer ones are mistakes, and would answer the whole catalogue.</summary>
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(10 * 366);

    public string Key => $"{StartsAt:yyyy-MM-ddTHH:mm:ss}/{EndsAt:yyyy-MM-ddTHH:mm:ss}";

    /// <summary>The range, or the message of a 400 naming the parameter at fault.</summary>
    public static bool TryParse(string? startsAt, string? endsAt, out SearchRange range, out string? error)
    {
        range = default;
        var to = default(DateTime);
        error = Read("starts_at", startsAt, out var from) ?? Read("ends_at", endsAt, out to);
        if (error is null && from > to)
        {
            error = "starts_at must not be after ends_at";
        }
        else if (error is null && to - from > MaxLength)
        {
            error = "the range from starts_at to ends_at must not be longer than ten years";
        }
        range = new SearchRange(from, to);
        return error is null;
    }

    private static string? Read(string name, string? value, out DateTime time)
    {
        time = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"{name} is required: an ISO 8601 date-time such as 2027-05-02T20:00:00";
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            && value.Length >= 10 && value[4] == '-' && value[7] == '-')
        {
            time = parsed.DateTime.AddTicks(-(parsed.DateTime.Ticks % TimeSpan.TicksPerSecond));
            return null;
        }
        return $"{name} must be an ISO 8601 date-time such as 2027-05-02T20:00:00";
    }
}
