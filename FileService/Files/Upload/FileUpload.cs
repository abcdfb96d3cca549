using System.Security.Claims;
using System.Diagnostics;
using Fleet.FileService.Data;
using Fleet.FileService.Files.Scanning;
using Fleet.FileService.Storage;
using Fleet.ServiceDefaults.Audit;
using Fleet.ServiceDefaults.Authentication;
using Microsoft.EntityFrameworkCore;

namespace Fleet.FileService.Files.Upload;

/// <summary>
/// Keeps an uploaded file: its content staged and hashed as it streams in, then, under a lock on its hash, the row
/// inserted and the blob put in place in one transaction. A delete of the last file holding the same content takes
/// the same lock, so a blob is never removed under an upload that is about to point at it. The scanner hears of the
/// file through the outbox, written in the same transaction.
/// </summary>
public sealed class FileUpload(FilesDbContext db, IBlobStore blobs, OutboxRelay outbox, FileMetrics metrics, AuditLog audit, TimeProvider time)
{
    public async Task<StoredFile> KeepAsync(Stream content, string name, long maxBytes, ClaimsPrincipal owner, CancellationToken cancellationToken)
    {
        var staged = await blobs.StageAsync(content, maxBytes, cancellationToken);
        try
        {
            var file = new StoredFile
            {
                Id = Guid.CreateVersion7(),
                OwnerId = owner.FindFirst(FleetClaims.Subject)?.Value ?? "",
                Name = name,
                Size = staged.Size,
                ContentType = ContentSniffer.Sniff(staged.Head),
                Sha256 = staged.Sha256,
                UploadedAt = time.GetUtcNow(),
            };
            // A retry after a lost connection runs it all again; committing a blob twice is harmless.
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await LockContentAsync(db, file.Sha256, cancellationToken);
                db.Files.Add(file);
                // Announced to the scanner by the outbox, in the same transaction: a crash after the commit loses nothing.
                db.Outbox.Add(new OutboxMessage
                {
                    RoutingKey = FileQueues.Uploaded, FileId = file.Id, TraceParent = Activity.Current?.Id, CreatedAt = file.UploadedAt,
                });
                await db.SaveChangesAsync(cancellationToken);
                await blobs.CommitAsync(staged, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            });
            outbox.Nudge();
            metrics.Uploaded(file.Size);
            audit.Record("files", "file.uploaded", "success", "user", file.OwnerId, new AuditResource("file", file.Id.ToString(), file.Name),
                new Dictionary<string, object?> { ["size"] = file.Size, ["content_type"] = file.ContentType, ["sha256"] = file.Sha256 });
            return file;
        }
        catch
        {
            blobs.Discard(staged);
            throw;
        }
    }

    /// <summary>Serialises everything that adds or removes a file holding this content, until the transaction ends.</summary>
    public static Task LockContentAsync(FilesDbContext db, string sha256, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtextextended({sha256}, 0))", cancellationToken);
}
