using System.Diagnostics;
using Fleet.SchedulerService.Catalogue.Feed;
using Fleet.SchedulerService.Jobs;
using Fleet.SchedulerService.Search;

namespace Fleet.SchedulerService.Catalogue;

/// <summary>A provider document into the catalogue: read whole, applied in one transaction, and the search cache made stale if anything changed.</summary>
public sealed class CatalogueUpdater(CatalogueStore store, SearchCache cache)
{
    private static readonly ActivitySource Source = new(JobRunner.ActivitySourceName);

    /// <exception cref="UnreadableDocumentException">The document is not a whole plan list; nothing was stored.</exception>
    public async Task<CatalogueUpdate> UpdateAsync(Stream document, CancellationToken cancellationToken)
    {
        ProviderDocument read;
        using (var parse = Source.StartActivity("parse provider document"))
        {
            read = await ProviderDocumentReader.ReadAsync(document, cancellationToken);
            parse?.SetTag("fleet.plans.read", read.Plans.Count);
            parse?.SetTag("fleet.plans.skipped", read.SkippedCount);
        }
        CatalogueChange change;
        using (var apply = Source.StartActivity("apply to catalogue"))
        {
            change = await store.ApplyAsync(read, cancellationToken);
            apply?.SetTag("fleet.plans.added", change.Added);
            apply?.SetTag("fleet.plans.changed", change.Changed);
            apply?.SetTag("fleet.plans.removed", change.Removed);
        }
        if (change.Any)
        {
            using var _ = Source.StartActivity("invalidate search cache");
            await cache.InvalidateAsync();
        }
        return new CatalogueUpdate(read.Plans.Count, read.SkippedCount, change);
    }
}

/// <summary>What one document did: plans read and skipped, and the catalogue's change.</summary>
public sealed record CatalogueUpdate(int PlansRead, int PlansSkipped, CatalogueChange Change);
