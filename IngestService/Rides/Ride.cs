namespace Fleet.IngestService.Rides;

/// <summary>
/// One XRides ride as Fleet keeps it (../shared/formats/xrides.md), after the rules: timestamps in UTC, flags as booleans.
/// </summary>
public sealed record Ride(
    long Id,
    long UserId,
    int VehicleModelId,
    int? PackageId,
    int TravelTypeId,
    int? FromAreaId,
    int? ToAreaId,
    int? FromCityId,
    int? ToCityId,
    DateTimeOffset FromDate,
    DateTimeOffset? ToDate,
    bool OnlineBooking,
    bool MobileSiteBooking,
    DateTimeOffset BookingCreated,
    double? FromLat,
    double? FromLong,
    double? ToLat,
    double? ToLong,
    bool CarCancellation);
