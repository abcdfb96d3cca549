using Microsoft.EntityFrameworkCore;

namespace Fleet.FileService.Data;

/// <summary>filesdb, schema <c>files</c>: FileService's uploaded files, their metadata and sensitivity scan results. Feature tables arrive with the features.</summary>
public sealed class FilesDbContext(DbContextOptions<FilesDbContext> options) : DbContext(options)
{
    public const string Schema = "files";

    protected override void OnModelCreating(ModelBuilder builder) => builder.HasDefaultSchema(Schema);
}
