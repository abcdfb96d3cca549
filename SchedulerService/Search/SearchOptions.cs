namespace Fleet.SchedulerService.Search;

/// <summary>The <c>Search</c> configuration section.</summary>
public sealed class SearchOptions
{
    public const string SectionName = "Search";

    /// <summary>How long a cached answer is kept; a change to the catalogue makes it stale at once regardless.</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromMinutes(10);
}
