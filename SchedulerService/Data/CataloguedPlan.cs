namespace Fleet.SchedulerService.Data;

/// <summary>
/// A row of <c>scheduler.plans</c>: a plan that was on sale online in some provider document, as the latest document
/// holding it described it. Kept when it leaves the feed (<see cref="InFeed"/> false) or its base plan turns offline.
/// </summary>
public sealed class CataloguedPlan
{
    /// <summary><see cref="Catalogue.PlanId"/> of the pair below.</summary>
    public Guid Id { get; set; }

    public long BasePlanId { get; set; }
    public long PlanId { get; set; }
    public required string Title { get; set; }

    /// <summary>Whether its base plan was <c>online</c> in the latest document holding it.</summary>
    public bool Online { get; set; }

    public long? OrganizerCompanyId { get; set; }

    /// <summary>The provider's local times, as it gives them: without a zone.</summary>
    public DateTime StartsAt { get; set; }
    public DateTime EndsAt { get; set; }
    public DateTime? SellFrom { get; set; }
    public DateTime? SellTo { get; set; }
    public bool SoldOut { get; set; }
    public decimal? MinPrice { get; set; }
    public decimal? MaxPrice { get; set; }

    /// <summary>The zones, as JSON: zone_id, name, capacity, price, numbered.</summary>
    public required string Zones { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    /// <summary>When the stored description last changed.</summary>
    public DateTimeOffset ChangedAt { get; set; }

    /// <summary>Whether the latest document held it.</summary>
    public bool InFeed { get; set; }
}
