namespace Fleet.IngestService.Data;

/// <summary>A row of <c>rides.rides</c>: a <see cref="Rides.Ride"/> and which accepted request stored its current version.</summary>
public sealed class StoredRide
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public int VehicleModelId { get; set; }
    public int? PackageId { get; set; }
    public int TravelTypeId { get; set; }
    public int? FromAreaId { get; set; }
    public int? ToAreaId { get; set; }
    public int? FromCityId { get; set; }
    public int? ToCityId { get; set; }
    public DateTimeOffset FromDate { get; set; }
    public DateTimeOffset? ToDate { get; set; }
    public bool OnlineBooking { get; set; }
    public bool MobileSiteBooking { get; set; }
    public DateTimeOffset BookingCreated { get; set; }
    public double? FromLat { get; set; }
    public double? FromLong { get; set; }
    public double? ToLat { get; set; }
    public double? ToLong { get; set; }
    public bool CarCancellation { get; set; }

    /// <summary>Great-circle distance between the pickup and drop coordinates, computed by PostgreSQL.</summary>
    public double? DistanceKm { get; set; }

    public Guid TrackingId { get; set; }

    /// <summary>With <see cref="Sequence"/>, the version: a re-send replaces the stored ride only if received later.</summary>
    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>The ride's position in its request (part and row), ordering rides received at the same instant.</summary>
    public long Sequence { get; set; }

    public DateTimeOffset StoredAt { get; set; }
}
