using Fleet.FileService.Data;
using Fleet.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Fleet.FileService.Files.Scanning;

public static class RescanEndpoints
{
    public static IEndpointRouteBuilder MapRescanEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/files/scans/rescan", RescanAsync)
            .RequireAuthorization(FleetPolicies.FilesAdmin)
            .WithTags("Files")
            .WithSummary("Queue for scanning every file scanned under older rules, or whose scan failed (SchedulerService's files-rescan job calls this hourly)");
        return routes;
    }

    public sealed record Rescan(int Processed, int RulesVersion);

    // Marked pending and announced through the outbox in one statement: a second call before the scans are done finds nothing more to do.
    private static async Task<Ok<Rescan>> RescanAsync(FilesDbContext db, OutboxRelay outbox, TimeProvider time, CancellationToken cancellationToken)
    {
        var queued = (await db.Database.SqlQuery<int>($"""
            WITH stale AS (
                UPDATE files.files SET scan_status = 'pending', scan_error = NULL
                WHERE scan_status = 'failed' OR (scan_status IN ('scanned', 'skipped') AND scan_rules_version IS DISTINCT FROM {ScanRules.Version})
                RETURNING id),
            queued AS (
                INSERT INTO files.outbox (routing_key, file_id, created_at)
                SELECT {FileQueues.Rescan}, id, {time.GetUtcNow()} FROM stale
                RETURNING 1)
            SELECT count(*)::int AS "Value" FROM queued
            """).ToListAsync(cancellationToken)).Single(); // not composed: a CTE that writes must stay at the top
        outbox.Nudge();
        return TypedResults.Ok(new Rescan(queued, ScanRules.Version));
    }
}
