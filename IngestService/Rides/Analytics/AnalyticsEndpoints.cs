using Fleet.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Fleet.IngestService.Rides.Analytics;

/// <summary>
/// <c>/rides/analytics/...</c>: computed in SQL over the stored rides, each within <c>?from=&amp;to=</c> (trip start) and
/// <c>?city=</c> (pickup city); the top lists take <c>?limit=</c> (default 20).
/// </summary>
public static class AnalyticsEndpoints
{
    private const int DefaultLimit = 20;
    private const int MaxLimit = 1_000;

    public static IEndpointRouteBuilder MapAnalyticsEndpoints(this IEndpointRouteBuilder routes)
    {
        var analytics = routes.MapGroup("/rides/analytics").WithTags("Ride analytics").RequireAuthorization(FleetPolicies.RidesRead);
        analytics.MapGet("/cancellations/by-hour", CancellationsByHourAsync);
        analytics.MapGet("/cancellations/by-area", CancellationsByAreaAsync);
        analytics.MapGet("/cancellations/by-vehicle-model", CancellationsByVehicleModelAsync);
        analytics.MapGet("/routes/top", TopRoutesAsync);
        analytics.MapGet("/pickup-areas/top", BusiestPickupAreasAsync);
        analytics.MapGet("/booking-channels", BookingChannelsAsync);
        analytics.MapGet("/distances", DistancesAsync);
        return routes;
    }

    /// <summary>Cancellation rate by the hour of the day the trip starts, operator's time, all 24 hours.</summary>
    private static async Task<Results<Ok<CancellationReport>, ValidationProblem>> CancellationsByHourAsync(
        [AsParameters] AnalyticsFilter filter, RideAnalytics rides, CancellationToken cancellationToken) =>
        Problem(filter) is { } problem ? problem
            : TypedResults.Ok(new CancellationReport("hour", filter, await rides.CancellationsByHourAsync(filter, cancellationToken)));

    /// <summary>Cancellation rate by pickup area, the busiest first.</summary>
    private static async Task<Results<Ok<CancellationReport>, ValidationProblem>> CancellationsByAreaAsync(
        [AsParameters] AnalyticsFilter filter, RideAnalytics rides, CancellationToken cancellationToken, int limit = DefaultLimit) =>
        Problem(filter, limit) is { } problem ? problem
            : TypedResults.Ok(new CancellationReport("area", filter, await rides.CancellationsByAsync("from_area_id", filter, limit, cancellationToken)));

    /// <summary>Cancellation rate by vehicle model, the most used first.</summary>
    private static async Task<Results<Ok<CancellationReport>, ValidationProblem>> CancellationsByVehicleModelAsync(
        [AsParameters] AnalyticsFilter filter, RideAnalytics rides, CancellationToken cancellationToken, int limit = DefaultLimit) =>
        Problem(filter, limit) is { } problem ? problem
            : TypedResults.Ok(new CancellationReport("vehicle_model", filter, await rides.CancellationsByAsync("vehicle_model_id", filter, limit, cancellationToken)));

    /// <summary>The most frequent routes, pickup area to drop area.</summary>
    private static async Task<Results<Ok<TopReport<RouteCount>>, ValidationProblem>> TopRoutesAsync(
        [AsParameters] AnalyticsFilter filter, RideAnalytics rides, CancellationToken cancellationToken, int limit = DefaultLimit) =>
        Problem(filter, limit) is { } problem ? problem
            : TypedResults.Ok(new TopReport<RouteCount>(filter, await rides.TopRoutesAsync(filter, limit, cancellationToken)));

    /// <summary>The pickup areas with the most rides.</summary>
    private static async Task<Results<Ok<TopReport<AreaCount>>, ValidationProblem>> BusiestPickupAreasAsync(
        [AsParameters] AnalyticsFilter filter, RideAnalytics rides, CancellationToken cancellationToken, int limit = DefaultLimit) =>
        Problem(filter, limit) is { } problem ? problem
            : TypedResults.Ok(new TopReport<AreaCount>(filter, await rides.BusiestPickupAreasAsync(filter, limit, cancellationToken)));

    /// <summary>Rides booked on the desktop site, on the mobile site, and otherwise.</summary>
    private static async Task<Results<Ok<BookingChannels>, ValidationProblem>> BookingChannelsAsync(
        [AsParameters] AnalyticsFilter filter, RideAnalytics rides, CancellationToken cancellationToken) =>
        Problem(filter) is { } problem ? problem : TypedResults.Ok(await rides.BookingChannelsAsync(filter, cancellationToken));

    /// <summary>Trip distance percentiles and histogram.</summary>
    /// <param name="bucketKm">Width of a histogram bucket, 0.1 to 1,000 km (default 1).</param>
    /// <param name="buckets">Buckets, 2 to 1,000 (default 50); the last holds every longer trip.</param>
    private static async Task<Results<Ok<DistanceReport>, ValidationProblem>> DistancesAsync(
        [AsParameters] AnalyticsFilter filter, RideAnalytics rides, CancellationToken cancellationToken,
        [FromQuery(Name = "bucket_km")] double bucketKm = 1, int buckets = 50)
    {
        var errors = filter.Errors();
        if (!(bucketKm is >= 0.1 and <= 1_000))
        {
            errors["bucket_km"] = ["must be 0.1 to 1000"];
        }
        if (buckets is < 2 or > 1_000)
        {
            errors["buckets"] = ["must be 2 to 1000"];
        }
        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await rides.DistancesAsync(filter, bucketKm, buckets, cancellationToken));
    }

    private static ValidationProblem? Problem(AnalyticsFilter filter, int limit = DefaultLimit)
    {
        var errors = filter.Errors();
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"must be 1 to {MaxLimit}"];
        }
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : null;
    }
}
