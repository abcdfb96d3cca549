namespace Fleet.SchedulerService.Catalogue.Feed;

/// <summary>What a provider document held: its readable plans, and how many it had to skip (with why).</summary>
public sealed record ProviderDocument(IReadOnlyList<FeedPlan> Plans, IReadOnlyDictionary<string, int> Skipped)
{
    public int SkippedCount => Skipped.Values.Sum();
}
