using System.Security.Claims;
using Fleet.FileService.Data;
using Fleet.FileService.Files.Scanning;
using Fleet.FileService.Files.Upload;
using Fleet.FileService.Storage;
using Fleet.ServiceDefaults.Audit;
using Fleet.ServiceDefaults.Authentication;
using Fleet.ServiceDefaults.Paging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace Fleet.FileService.Files.Reading;

/// <summary>
/// Reading and deleting files. A caller sees their own files; a token with <c>admin</c> sees every file. Another
/// user's file is a 404, never a 403: its existence is not theirs to learn.
/// </summary>
public static class FileEndpoints
{
    public const int MaxPage = 200;

    public static IEndpointRouteBuilder MapFileEndpoints(this IEndpointRouteBuilder routes)
    {
        var files = routes.MapGroup("/files").WithTags("Files");
        files.MapGet("/", ListAsync).RequireAuthorization(FleetPolicies.FilesRead)
            .WithSummary("The caller's files (an admin's: all), newest first; ?name= (part of it), ?type=, ?sensitivity=, ?limit=, ?cursor=");
        files.MapGet("/{id:guid}", GetAsync).RequireAuthorization(FleetPolicies.FilesRead).WithSummary("One file's metadata");
        files.MapGet("/{id:guid}/scan", ScanAsync).RequireAuthorization(FleetPolicies.FilesRead)
            .WithSummary("The file's sensitivity scan: status, level and findings (kind, count, first offsets; never the values)");
        files.MapGet("/{id:guid}/content", DownloadAsync).RequireAuthorization(FleetPolicies.FilesRead)
            .WithSummary("The content, as an attachment; ranges, ETag and If-None-Match honoured");
        files.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(FleetPolicies.FilesWrite)
            .WithSummary("Delete a file; its content goes when no other file holds it");
        return routes;
    }

    private static async Task<Results<Ok<FilePage>, ValidationProblem>> ListAsync(
        string? name, string? type, string? sensitivity, int? limit, string? cursor, ClaimsPrincipal caller, FilesDbContext db,
        CancellationToken cancellationToken)
    {
        var size = limit ?? 50;
        if (size is < 1 or > MaxPage)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"Must be 1 to {MaxPage}."] });
        }
        var query = Visible(db, caller);
        if (!string.IsNullOrEmpty(name))
        {
            var pattern = "%" + name.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            query = query.Where(f => EF.Functions.ILike(f.Name, pattern, "\\"));
        }
        if (!string.IsNullOrEmpty(type))
        {
            query = query.Where(f => f.ContentType == type);
        }
        if (!string.IsNullOrEmpty(sensitivity))
        {
            if (!ScanRules.Levels.Contains(sensitivity))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["sensitivity"] = [$"Must be one of {string.Join(", ", ScanRules.Levels)}."] });
            }
            query = query.Where(f => f.Sensitivity == sensitivity);
        }
        if (cursor is not null)
        {
            if (KeysetCursor.Read(cursor) is not var (at, id))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["cursor"] = ["Not a cursor this service gave."] });
            }
            query = query.Where(f => EF.Functions.LessThan(ValueTuple.Create(f.UploadedAt, f.Id), ValueTuple.Create(at, id)));
        }
        var page = await query.OrderByDescending(f => f.UploadedAt).ThenByDescending(f => f.Id).Take(size + 1).AsNoTracking().ToListAsync(cancellationToken);
        var next = page.Count > size ? KeysetCursor.Of(page[size - 1].UploadedAt, page[size - 1].Id) : null;
        return TypedResults.Ok(new FilePage([.. page.Take(size).Select(FileView.From)], next));
    }

    private static async Task<Results<Ok<FileView>, NotFound>> GetAsync(Guid id, ClaimsPrincipal caller, FilesDbContext db, CancellationToken cancellationToken) =>
        await FindAsync(db, caller, id, cancellationToken) is { } file
            ? TypedResults.Ok(FileView.From(file))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<ScanView>, NotFound>> ScanAsync(Guid id, ClaimsPrincipal caller, FilesDbContext db, CancellationToken cancellationToken) =>
        await FindAsync(db, caller, id, cancellationToken) is { } file
            ? TypedResults.Ok(ScanView.From(file))
            : TypedResults.NotFound();

    private static async Task<Results<FileStreamHttpResult, NotFound>> DownloadAsync(
        Guid id, HttpContext context, ClaimsPrincipal caller, FilesDbContext db, IBlobStore blobs, AuditLog audit, CancellationToken cancellationToken)
    {
        if (await FindAsync(db, caller, id, cancellationToken) is not { } file)
        {
            return TypedResults.NotFound();
        }
        if (file.Sensitivity is "confidential" or "restricted")
        {
            audit.Record("files", "file.downloaded", "success", caller, new AuditResource("file", file.Id.ToString(), file.Name),
                new Dictionary<string, object?> { ["sensitivity"] = file.Sensitivity }, level: "warning");
        }
        context.Response.Headers.XContentTypeOptions = "nosniff";
        // Content-Disposition: attachment, with the name encoded (RFC 6266 filename*): never shown inline, never a header injection.
        return TypedResults.Stream(blobs.OpenRead(file.Sha256), file.ContentType, fileDownloadName: file.Name,
            lastModified: file.UploadedAt, entityTag: new EntityTagHeaderValue($"\"{file.Sha256}\""), enableRangeProcessing: true);
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(
        Guid id, ClaimsPrincipal caller, FilesDbContext db, IBlobStore blobs, AuditLog audit, CancellationToken cancellationToken)
    {
        if (await FindAsync(db, caller, id, cancellationToken) is not { } file)
        {
            return TypedResults.NotFound();
        }
        var deleted = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await FileUpload.LockContentAsync(db, file.Sha256, cancellationToken);
            if (await db.Files.Where(f => f.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
            {
                return false; // deleted meanwhile
            }
            // Under the lock: an upload of the same content waits, then finds the blob gone and puts its own in place.
            if (!await db.Files.AnyAsync(f => f.Sha256 == file.Sha256, cancellationToken))
            {
                blobs.Delete(file.Sha256);
            }
            await transaction.CommitAsync(cancellationToken);
            return true;
        });
        if (!deleted)
        {
            return TypedResults.NotFound();
        }
        audit.Record("files", "file.deleted", "success", caller, new AuditResource("file", file.Id.ToString(), file.Name));
        return TypedResults.NoContent();
    }

    private static Task<StoredFile?> FindAsync(FilesDbContext db, ClaimsPrincipal caller, Guid id, CancellationToken cancellationToken) =>
        Visible(db, caller).AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, cancellationToken);

    private static IQueryable<StoredFile> Visible(FilesDbContext db, ClaimsPrincipal caller)
    {
        if (caller.HasScope(FleetScopes.Admin))
        {
            return db.Files;
        }
        var subject = caller.FindFirst(FleetClaims.Subject)?.Value ?? "";
        return db.Files.Where(f => f.OwnerId == subject);
    }
}
