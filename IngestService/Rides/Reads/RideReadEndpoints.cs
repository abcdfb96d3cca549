using Fleet.IngestService.Data;
using Fleet.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Fleet.IngestService.Rides.Reads;

/// <summary><c>GET /rides/{id}</c> and <c>GET /rides</c>: stored rides, newest trip first, paged by a cursor.</summary>
public static class RideReadEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1_000;

    public static IEndpointRouteBuilder MapRideReadEndpoints(this IEndpointRouteBuilder routes)
    {
        var rides = routes.MapGroup("/rides").WithTags("Rides").RequireAuthorization(FleetPolicies.RidesRead);
        rides.MapGet("/{id:long}", GetAsync);
        rides.MapGet("/", ListAsync);
        return routes;
    }

    private static async Task<Results<Ok<RideView>, ProblemHttpResult>> GetAsync(long id, RidesDbContext db, CancellationToken cancellationToken) =>
        await db.Rides.Where(r => r.Id == id).Select(RideView.FromStored).SingleOrDefaultAsync(cancellationToken) is { } ride
            ? TypedResults.Ok(ride)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such ride", detail: $"No ride {id} is stored.");

    /// <param name="from">Trips starting at or after this instant.</param>
    /// <param name="to">Trips starting before this instant.</param>
    /// <param name="after">The <c>next</c> cursor of the previous page.</param>
    private static async Task<Results<Ok<RidePage>, ValidationProblem>> ListAsync(
        RidesDbContext db, CancellationToken cancellationToken,
        DateTimeOffset? from = null, DateTimeOffset? to = null, int? city = null, int? area = null,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "vehicle_model")] int? vehicleModel = null,
        string? after = null, int limit = DefaultLimit)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"must be 1 to {MaxLimit}"];
        }
        RideCursor? cursor = null;
        if (after is not null && !RideCursor.TryParse(after, out cursor))
        {
            errors["after"] = ["is not a cursor this API gave"];
        }
        if (from > to)
        {
            errors["from"] = ["must not be after to"];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = db.Rides.AsNoTracking();
        if (from is { } start)
        {
            query = query.Where(r => r.FromDate >= start.ToUniversalTime());
        }
        if (to is { } end)
        {
            query = query.Where(r => r.FromDate < end.ToUniversalTime());
        }
        if (city is { } cityId)
        {
            query = query.Where(r => r.FromCityId == cityId);
        }
        if (area is { } areaId)
        {
            query = query.Where(r => r.FromAreaId == areaId);
        }
        if (vehicleModel is { } model)
        {
            query = query.Where(r => r.VehicleModelId == model);
        }
        if (cursor is { } last)
        {
            query = query.Where(r => r.FromDate < last.FromDate || (r.FromDate == last.FromDate && r.Id < last.Id));
        }
        var rides = await query.OrderByDescending(r => r.FromDate).ThenByDescending(r => r.Id).Take(limit + 1)
            .Select(RideView.FromStored).ToListAsync(cancellationToken);
        var next = rides.Count > limit ? new RideCursor(rides[limit - 1].FromDate, rides[limit - 1].Id).ToString() : null;
        return TypedResults.Ok(new RidePage([.. rides.Take(limit)], next));
    }
}

/// <summary>A page of rides; <c>next</c> fetches the following page (<c>?after=</c>), null on the last.</summary>
public sealed record RidePage(IReadOnlyList<RideView> Rides, string? Next);
