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
        routes.MapGet("/audit/stats", StatsAsync).WithTags("Audit queries").RequireAuthorization(FleetPolicies.AuditRead)
            .WithSummary("Counts per time bucket (interval=1m|1h|1d), split by group_by=application|category|action|outcome, under the same filters");
        routes.MapGet("/audit/export", ExportAsync).WithTags("Audit queries").RequireAuthorization(FleetPolicies.AuditRead)
            .WithSummary("Every event of the filters, newest first, streamed as format=ndjson (the default) or csv");
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

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> StatsAsync(
        HttpRequest request, ClaimsPrincipal caller, EventStats stats, TimeProvider time, CancellationToken cancellationToken)
    {
        var (filter, errors) = EventFilter.Parse(request.Query, time.GetUtcNow(), "interval", "group_by");
        var interval = request.Query["interval"].ToString() is { Length: > 0 } given ? given : "1h";
        var groupBy = request.Query["group_by"].ToString() is { Length: > 0 } group ? group : "category";
        if (!EventStats.Intervals.TryGetValue(interval, out var width))
        {
            errors["interval"] = [$"Must be one of {string.Join(", ", EventStats.Intervals.Keys)}."];
        }
        else if (filter is not null && (filter.To - filter.From) / width > EventStats.MaxBuckets)
        {
            errors["interval"] = [$"At most {EventStats.MaxBuckets} buckets: a wider interval, or a shorter range."];
        }
        if (!EventStats.GroupBy.Contains(groupBy))
        {
            errors["group_by"] = [$"Must be one of {string.Join(", ", EventStats.GroupBy)}."];
        }
        if (filter is null || errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        return TypedResults.Bytes(await stats.CountAsync(filter, interval, groupBy, caller, cancellationToken), "application/json");
    }

    private static async Task<IResult> ExportAsync(
        HttpContext context, ClaimsPrincipal caller, EventQueries queries, TimeProvider time, CancellationToken cancellationToken)
    {
        var (filter, errors) = EventFilter.Parse(context.Request.Query, time.GetUtcNow(), "format");
        var format = context.Request.Query["format"].ToString() is { Length: > 0 } given ? given : "ndjson";
        if (!EventExport.Formats.Contains(format))
        {
            errors["format"] = [$"Must be one of {string.Join(", ", EventExport.Formats)}."];
        }
        if (filter is null || errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        await EventExport.WriteAsync(context.Response, queries.StreamAsync(filter, caller, cancellationToken), format, cancellationToken);
        return TypedResults.Empty;
    }

    // Another user's event is a 404, never a 403: its existence is not theirs to learn.
    private static async Task<Results<FileContentHttpResult, NotFound>> GetAsync(
        Guid id, ClaimsPrincipal caller, EventQueries queries, CancellationToken cancellationToken) =>
        await queries.FindAsync(id, caller, cancellationToken) is { } found
            ? TypedResults.Bytes(found, "application/json")
            : TypedResults.NotFound();
}
