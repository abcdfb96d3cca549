namespace Fleet.IngestService.Rides;

/// <summary>The field names of the XRides format: the JSON keys, and the CSV header matched case-insensitively.</summary>
public static class RideFields
{
    public const string Id = "id";
    public const string UserId = "user_id";
    public const string VehicleModelId = "vehicle_model_id";
    public const string PackageId = "package_id";
    public const string TravelTypeId = "travel_type_id";
    public const string FromAreaId = "from_area_id";
    public const string ToAreaId = "to_area_id";
    public const string FromCityId = "from_city_id";
    public const string ToCityId = "to_city_id";
    public const string FromDate = "from_date";
    public const string ToDate = "to_date";
    public const string OnlineBooking = "online_booking";
    public const string MobileSiteBooking = "mobile_site_booking";
    public const string BookingCreated = "booking_created";
    public const string FromLat = "from_lat";
    public const string FromLong = "from_long";
    public const string ToLat = "to_lat";
    public const string ToLong = "to_long";
    public const string CarCancellation = "car_cancellation";

    /// <summary>In the order of the operator's CSV export.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Id, UserId, VehicleModelId, PackageId, TravelTypeId, FromAreaId, ToAreaId, FromCityId, ToCityId, FromDate, ToDate,
        OnlineBooking, MobileSiteBooking, BookingCreated, FromLat, FromLong, ToLat, ToLong, CarCancellation,
    ];
}
