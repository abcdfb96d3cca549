using Microsoft.EntityFrameworkCore;

namespace Fleet.FileService.Data;

/// <summary>filesdb, schema <c>files</c>: FileService's uploaded files and their metadata.</summary>
public sealed class FilesDbContext(DbContextOptions<FilesDbContext> options) : DbContext(options)
{
    public const string Schema = "files";

    public DbSet<StoredFile> Files => Set<StoredFile>();

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
            // A caller's files, newest first (the list's keyset); and the files that share a blob (delete).
            file.HasIndex(f => new { f.OwnerId, f.UploadedAt, f.Id }).HasDatabaseName("ix_files_owner_uploaded");
            file.HasIndex(f => new { f.UploadedAt, f.Id }).HasDatabaseName("ix_files_uploaded");
            file.HasIndex(f => f.Sha256).HasDatabaseName("ix_files_sha256");
        });
    }
}
