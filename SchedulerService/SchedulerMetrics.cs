using System.Diagnostics.Metrics;
using Fleet.SchedulerService.Catalogue;

namespace Fleet.SchedulerService;

/// <summary>SchedulerService's counters, under the meter <c>Fleet.SchedulerService</c>, shown by the dashboard.</summary>
public sealed class SchedulerMetrics
{
    public const string MeterName = "Fleet.SchedulerService";

    private readonly Counter<long> _runs;
    private readonly Counter<long> _plans;
    private readonly Counter<long> _documentsRefused;
    private readonly Counter<long> _cache;

    public SchedulerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _runs = meter.CreateCounter<long>("fleet.jobs.runs", "{run}", "Job runs, by job and outcome");
        _plans = meter.CreateCounter<long>("fleet.catalogue.plans", "{plan}", "Plans added, changed or gone from the feed, by change");
        _documentsRefused = meter.CreateCounter<long>("fleet.catalogue.documents_refused", "{document}", "Provider documents refused as unreadable");
        _cache = meter.CreateCounter<long>("fleet.search.cache", "{lookup}", "Search cache lookups, by result (hit or miss)");
    }

    public void Ran(string job, string outcome) =>
        _runs.Add(1, new KeyValuePair<string, object?>("job", job), new KeyValuePair<string, object?>("outcome", outcome));

    public void Applied(CatalogueUpdate update)
    {
        _plans.Add(update.Change.Added, new KeyValuePair<string, object?>("change", "added"));
        _plans.Add(update.Change.Changed, new KeyValuePair<string, object?>("change", "changed"));
        _plans.Add(update.Change.Removed, new KeyValuePair<string, object?>("change", "removed"));
    }

    public void DocumentRefused() => _documentsRefused.Add(1);

    public void CacheLookup(bool hit) => _cache.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));
}
