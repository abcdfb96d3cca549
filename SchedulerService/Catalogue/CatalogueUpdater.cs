using Fleet.SchedulerService.Catalogue.Feed;
using Fleet.SchedulerService.Search;

namespace Fleet.SchedulerService.Catalogue;

/// <summary>A provider document into the catalogue: read whole, applied in one transaction, and the search cache made stale if anything changed.</summary>
public sealed class CatalogueUpdater(CatalogueStore store, SearchCache cache)
{
    /// <exception cref="UnreadableDocumentException">The document is not a whole plan list; nothing was stored.</exception>
    public async Task<CatalogueUpdate> UpdateAsync(Stream document, CancellationToken cancellationToken)
    {
        var read = await ProviderDocumentReader.ReadAsync(document, cancellationToken);
        var change = await store.ApplyAsync(read, cancellationToken);
        if (change.Any)
        {
            await cache.InvalidateAsync();
        }
        return new CatalogueUpdate(read.Plans.Count, read.SkippedCount, change);
    }
}

/// <summary>What one document did: plans read and skipped, and the catalogue's change.</summary>
public sealed record CatalogueUpdate(int PlansRead, int PlansSkipped, CatalogueChange Change);
