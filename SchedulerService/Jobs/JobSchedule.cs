using Cronos;

namespace Fleet.SchedulerService.Jobs;

/// <summary>Cron expressions, read by Cronos: 5 fields, or 6 with seconds first; in UTC.</summary>
public static class JobSchedule
{
    public static CronExpression Parse(string cron) =>
        CronExpression.Parse(cron, cron.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);

    /// <summary>The latest occurrence at or before <paramref name="now"/>, looking back as far as two of its intervals.</summary>
    public static DateTimeOffset? Latest(CronExpression cron, DateTimeOffset now)
    {
        if (cron.GetNextOccurrence(now.UtcDateTime) is not { } next || cron.GetNextOccurrence(next) is not { } after)
        {
            return null;
        }
        var lookBack = (after - next) * 2;
        var latest = cron.GetOccurrences(now.UtcDateTime - lookBack, now.UtcDateTime, fromInclusive: true, toInclusive: true).LastOrDefault();
        return latest == default ? null : new DateTimeOffset(latest, TimeSpan.Zero);
    }
}
