using System.Security.Claims;
using Fleet.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fleet.AuditService.Events.Query;

public static class QueryEndpoints
{
    public static IEndpointRouteBuilder MapQueryEndpoints(this IEndpointRouteBuilder routes)
    {
        var events = routes.MapGroup("/audit/events").WithTags("Audit queries").RequireAuthorization(FleetPolicies.AuditRead);
        events.MapGet("/", ListAsync)
            .WithSummary("Events in a time range (the last 24 hours unless given), filtered, newest first, a page at a time");
        events.MapGet("/{id:guid}", GetAsync).WithSummary("One event");
        return routes;
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> ListAsync(
        HttpRequest request, ClaimsPrincipal caller, EventQueries queries, TimeProvider time, CancellationToken cancellationToken)
    {
        var (filter, errors) = EventFilter.Parse(request.Query, time.GetUtcNow());
        if (filter is null)
        {
            return TypedResults.ValidationProblem(errors);
        }
        return TypedResults.Bytes(await queries.PageAsync(filter, caller, cancellationToken), "application/json");
    }

    // Another user's event is a 404, never a 403: its existence is not theirs to learn.
    private static async Task<Results<FileContentHttpResult, NotFound>> GetAsync(
        Guid id, ClaimsPrincipal caller, EventQueries queries, CancellationToken cancellationToken) =>
        await queries.FindAsync(id, caller, cancellationToken) is { } found
            ? TypedResults.Bytes(found, "application/json")
            : TypedResults.NotFound();
}
