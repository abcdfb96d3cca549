using Microsoft.AspNetCore.Mvc;

namespace Fleet.SchedulerService.Search;

/// <summary>
/// <c>GET /search</c> and <c>/events/search</c>: public, the local store only, and the provider-events format's own
/// envelope for answers and errors alike (tagged <see cref="Tag"/>), not problem details: its clients expect it.
/// </summary>
public static class SearchEndpoints
{
    public const string Tag = "Events search";

    public static IEndpointRouteBuilder MapSearchEndpoints(this IEndpointRouteBuilder routes)
    {
        var search = routes.MapGroup("").AllowAnonymous().WithTags(Tag);
        search.MapGet("/search", SearchAsync).WithName("SearchEvents");
        search.MapGet("/events/search", SearchAsync).WithName("SearchEventsUnderEvents");
        return routes;
    }

    private static async Task<IResult> SearchAsync(HttpContext context, PlanSearch search, SearchCache cache, SchedulerMetrics metrics, ILogger<PlanSearch> logger,
        [FromQuery(Name = "starts_at")] string? startsAt = null, [FromQuery(Name = "ends_at")] string? endsAt = null)
    {
        if (!SearchRange.TryParse(startsAt, endsAt, out var range, out var error))
        {
            return SearchAnswer.Error(StatusCodes.Status400BadRequest, error!);
        }
        try
        {
            var (cached, version) = await cache.GetAsync(range);
            metrics.CacheLookup(hit: cached is not null);
            if (cached is not null)
            {
                return SearchAnswer.Json(cached);
            }
            var answer = await search.FindAsync(range, context.RequestAborted);
            await cache.SetAsync(range, version, answer);
            return SearchAnswer.Json(answer);
        }
        catch (Exception exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(exception, "Search {Range} failed", range.Key);
            return SearchAnswer.Error(StatusCodes.Status500InternalServerError, "the catalogue could not be read; try again");
        }
    }
}
