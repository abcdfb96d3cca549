namespace Fleet.SchedulerService.Search;

/// <summary>The <c>Search</c> configuration section.</summary>
public sealed class SearchOptions
{
    public const string SectionName = "Search";

    /// <summary>How long a cached answer is kept; a change to the catalogue makes it stale at once regardless.</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a replica serves an answer from its own memory: the longest a change it failed to hear of can go unseen there.</summary>
    public TimeSpan LocalCacheFor { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many answers a replica keeps in memory.</summary>
    public int LocalCacheEntries { get; set; } = 10_000;
}
