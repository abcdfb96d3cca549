using System.Security.Claims;
using System.Text.Json;
using Fleet.IngestService.Data;
using Fleet.IngestService.Rides.Queue;
using Fleet.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Fleet.IngestService.Rides.Tracking;

/// <summary><c>GET /rides/requests/{trackingId}</c>: the caller's own requests only (another's is a 404, as an unknown one).</summary>
public static class TrackingEndpoints
{
    public static IEndpointRouteBuilder MapTrackingEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/rides/requests/{trackingId:guid}", GetAsync)
            .WithTags("Ride intake")
            .RequireAuthorization(FleetPolicies.RidesWrite);
        return routes;
    }

    private static async Task<Results<Ok<RequestView>, ProblemHttpResult>> GetAsync(
        Guid trackingId, ClaimsPrincipal caller, RidesDbContext db, CancellationToken cancellationToken)
    {
        var clientId = caller.GetClientId();
        var request = await db.Requests.AsNoTracking()
            .SingleOrDefaultAsync(r => r.TrackingId == trackingId && r.ClientId == clientId, cancellationToken);
        if (request is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such request",
                detail: $"No request {trackingId} of yours is recorded. A request just acknowledged is recorded within moments.");
        }
        var parts = await db.RequestParts.AsNoTracking().Where(p => p.TrackingId == trackingId).ToListAsync(cancellationToken);
        var rejected = JsonSerializer.Deserialize(request.Rejected, RideQueueJson.Default.ListRowError) ?? [];
        return TypedResults.Ok(RequestView.From(request, rejected, parts));
    }
}
