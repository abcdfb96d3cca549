using System.Linq.Expressions;
using Fleet.IngestService.Data;

namespace Fleet.IngestService.Rides.Reads;

/// <summary>A stored ride as readers see it: the XRides fields, the trip distance, and when it was stored.</summary>
public sealed record RideView(
    long Id, long UserId, int VehicleModelId, int? PackageId, int TravelTypeId, int? FromAreaId, int? ToAreaId, int? FromCityId,
    int? ToCityId, DateTimeOffset FromDate, DateTimeOffset? ToDate, bool OnlineBooking, bool MobileSiteBooking,
    DateTimeOffset BookingCreated, double? FromLat, double? FromLong, double? ToLat, double? ToLong, bool CarCancellation,
    double? DistanceKm, DateTimeOffset StoredAt)
{
    public static readonly Expression<Func<StoredRide, RideView>> FromStored = r => new RideView(
        r.Id, r.UserId, r.VehicleModelId, r.PackageId, r.TravelTypeId, r.FromAreaId, r.ToAreaId, r.FromCityId, r.ToCityId,
        r.FromDate, r.ToDate, r.OnlineBooking, r.MobileSiteBooking, r.BookingCreated, r.FromLat, r.FromLong, r.ToLat, r.ToLong,
        r.CarCancellation, r.DistanceKm, r.StoredAt);
}
