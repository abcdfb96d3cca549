using Microsoft.EntityFrameworkCore;

namespace Fleet.IngestService.Data;

/// <summary>ridesdb, schema <c>rides</c>: IngestService's XRides ride feed intake, tracking and analytics. Feature tables arrive with the features.</summary>
public sealed class RidesDbContext(DbContextOptions<RidesDbContext> options) : DbContext(options)
{
    public const string Schema = "rides";

    protected override void OnModelCreating(ModelBuilder builder) => builder.HasDefaultSchema(Schema);
}
