using Microsoft.EntityFrameworkCore;

namespace Fleet.IngestService.Data;

/// <summary>
/// ridesdb, schema <c>rides</c>, snake_case throughout. The schema is this model's EF Core migrations (Data/Migrations),
/// applied at start-up; the storage path writes with binary COPY and SQL on the same data source.
/// </summary>
public sealed class RidesDbContext(DbContextOptions<RidesDbContext> options) : DbContext(options)
{
    public const string Schema = "rides";

    /// <summary>Haversine, in km, on the mean Earth radius; NULL unless both coordinate pairs are present.</summary>
    private const string DistanceSql =
        "CASE WHEN from_lat IS NULL OR to_lat IS NULL THEN NULL ELSE 2 * 6371.0088 * asin(least(1, sqrt(" +
        "power(sin(radians(to_lat - from_lat) / 2), 2) + " +
        "cos(radians(from_lat)) * cos(radians(to_lat)) * power(sin(radians(to_long - from_long) / 2), 2)))) END";

    public DbSet<StoredRide> Rides => Set<StoredRide>();

    public DbSet<RideRequest> Requests => Set<RideRequest>();

    public DbSet<RideRequestPart> RequestParts => Set<RideRequestPart>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.HasDefaultSchema(Schema);

        builder.Entity<StoredRide>(ride =>
        {
            ride.ToTable("rides");
            ride.HasKey(r => r.Id);
            ride.Property(r => r.Id).ValueGeneratedNever();
            ride.Property(r => r.DistanceKm).HasComputedColumnSql(DistanceSql, stored: true);
            ride.Property(r => r.Sequence).HasColumnName("seq");
            // Time-window listing and analytics, newest first, with the id for keyset paging.
            ride.HasIndex(r => new { r.FromDate, r.Id });
            ride.HasIndex(r => new { r.FromCityId, r.FromDate });
            ride.HasIndex(r => new { r.FromAreaId, r.FromDate });
            ride.HasIndex(r => new { r.VehicleModelId, r.FromDate });
        });

        builder.Entity<RideRequest>(request =>
        {
            request.ToTable("requests");
            request.HasKey(r => r.TrackingId);
            request.Property(r => r.ClientId).HasMaxLength(200);
            request.Property(r => r.Format).HasMaxLength(10);
            request.Property(r => r.Rejected).HasColumnType("jsonb");
        });

        builder.Entity<RideRequestPart>(part =>
        {
            part.ToTable("request_parts");
            part.HasKey(p => new { p.TrackingId, p.Part });
        });
    }
}
