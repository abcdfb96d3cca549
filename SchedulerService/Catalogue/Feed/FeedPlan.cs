namespace Fleet.SchedulerService.Catalogue.Feed;

/// <summary>One plan (a performance) as the provider's document describes it; times are the provider's local times.</summary>
public sealed record FeedPlan(
    long BasePlanId,
    long PlanId,
    string Title,
    bool Online,
    long? OrganizerCompanyId,
    DateTime StartsAt,
    DateTime EndsAt,
    DateTime? SellFrom,
    DateTime? SellTo,
    bool SoldOut,
    IReadOnlyList<FeedZone> Zones)
{
    /// <summary>The lowest zone price; every zone counts, a zone id listed twice (numbered and unnumbered seats) included.</summary>
    public decimal? MinPrice => Zones.Count == 0 ? null : Zones.Min(z => z.Price);

    public decimal? MaxPrice => Zones.Count == 0 ? null : Zones.Max(z => z.Price);
}

/// <summary>A seating area of a plan, with its capacity and price.</summary>
public sealed record FeedZone(long ZoneId, string Name, int Capacity, decimal Price, bool Numbered);
