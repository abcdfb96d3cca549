using Microsoft.EntityFrameworkCore;

namespace Fleet.FileService.Data;

/// <summary>filesdb, schema <c>files</c>: FileService's uploaded files and their metadata.</summary>
public sealed class FilesDbContext(DbContextOptions<FilesDbContext> options) : DbContext(options)
{
    public const string Schema = "files";

    public DbSet<StoredFile> Files => Set<StoredFile>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.HasDefaultSchema(Schema);
        builder.Entity<StoredFile>(file =>
        {
            file.ToTable("files");
            file.Property(f => f.Id).HasColumnName("id");
            file.Property(f => f.OwnerId).HasColumnName("owner_id").HasMaxLength(256);
            file.Property(f => f.Name).HasColumnName("name").HasMaxLength(255);
            file.Property(f => f.Size).HasColumnName("size");
            file.Property(f => f.ContentType).HasColumnName("content_type").HasMaxLength(128);
            file.Property(f => f.Sha256).HasColumnName("sha256").HasMaxLength(64).IsFixedLength();
            file.Property(f => f.UploadedAt).HasColumnName("uploaded_at");
            file.Property(f => f.ScanStatus).HasColumnName("scan_status").HasMaxLength(16).HasDefaultValue("pending");
            file.Property(f => f.Sensitivity).HasColumnName("sensitivity").HasMaxLength(16);
            file.Property(f => f.ScanFindings).HasColumnName("scan_findings").HasColumnType("jsonb");
            file.Property(f => f.ScanRulesVersion).HasColumnName("scan_rules_version");
            file.Property(f => f.ScannedAt).HasColumnName("scanned_at");
            file.Property(f => f.ScanTruncated).HasColumnName("scan_truncated");
            file.Property(f => f.ScanError).HasColumnName("scan_error").HasMaxLength(1024);
            // A caller's files, newest first (the list's keyset); and the files that share a blob (delete).
            file.HasIndex(f => new { f.OwnerId, f.UploadedAt, f.Id }).HasDatabaseName("ix_files_owner_uploaded");
            file.HasIndex(f => new { f.UploadedAt, f.Id }).HasDatabaseName("ix_files_uploaded");
            file.HasIndex(f => f.Sha256).HasDatabaseName("ix_files_sha256");
        });
        builder.Entity<OutboxMessage>(message =>
        {
            message.ToTable("outbox");
            message.Property(m => m.Id).HasColumnName("id");
            message.Property(m => m.RoutingKey).HasColumnName("routing_key").HasMaxLength(64);
            message.Property(m => m.FileId).HasColumnName("file_id");
            message.Property(m => m.TraceParent).HasColumnName("trace_parent").HasMaxLength(128);
            message.Property(m => m.CreatedAt).HasColumnName("created_at");
        });
    }
}
