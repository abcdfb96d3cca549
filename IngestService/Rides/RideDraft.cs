namespace Fleet.IngestService.Rides;

/// <summary>
/// A ride's fields as a reader (JSON or CSV) could read them, and what it could not: the rules are applied by
/// <see cref="ToRide"/>, so both formats answer the same way.
/// </summary>
internal sealed class RideDraft
{
    private readonly List<RowError> _errors;
    private readonly int _errorsBefore;

    public RideDraft(int row, List<RowError> errors)
    {
        Row = row;
        _errors = errors;
        _errorsBefore = errors.Count;
    }

    public int Row { get; }

    public long? Id { get; set; }
    public long? UserId { get; set; }
    public int? VehicleModelId { get; set; }
    public int? PackageId { get; set; }
    public int? TravelTypeId { get; set; }
    public int? FromAreaId { get; set; }
    public int? ToAreaId { get; set; }
    public int? FromCityId { get; set; }
    public int? ToCityId { get; set; }
    public DateTimeOffset? FromDate { get; set; }
    public DateTimeOffset? ToDate { get; set; }
    public bool? OnlineBooking { get; set; }
    public bool? MobileSiteBooking { get; set; }
    public DateTimeOffset? BookingCreated { get; set; }
    public double? FromLat { get; set; }
    public double? FromLong { get; set; }
    public double? ToLat { get; set; }
    public double? ToLong { get; set; }
    public bool? CarCancellation { get; set; }

    /// <summary>A field the reader could not read; its value stays unset, and the row is refused.</summary>
    public void Invalid(string field, string reason) => _errors.Add(new RowError(Row, field, reason));

    /// <summary>The ride, or null when this row broke a rule (each broken rule is added to the errors).</summary>
    public Ride? ToRide()
    {
        Required(Id, RideFields.Id);
        Required(UserId, RideFields.UserId);
        Required(VehicleModelId, RideFields.VehicleModelId);
        Required(TravelTypeId, RideFields.TravelTypeId);
        Required(FromDate, RideFields.FromDate);
        Required(BookingCreated, RideFields.BookingCreated);

        Positive(Id, RideFields.Id);
        Positive(UserId, RideFields.UserId);
        Positive(VehicleModelId, RideFields.VehicleModelId);
        Positive(FromAreaId, RideFields.FromAreaId);
        Positive(ToAreaId, RideFields.ToAreaId);
        Positive(FromCityId, RideFields.FromCityId);
        Positive(ToCityId, RideFields.ToCityId);
        if (TravelTypeId is < 1 or > 3)
        {
            Invalid(RideFields.TravelTypeId, "must be 1 (long distance), 2 (point to point) or 3 (hourly rental)");
        }
        if (PackageId is < 1 or > 7)
        {
            Invalid(RideFields.PackageId, "must be 1 to 7 when present");
        }

        Coordinates(FromLat, FromLong, RideFields.FromLat, RideFields.FromLong);
        Coordinates(ToLat, ToLong, RideFields.ToLat, RideFields.ToLong);

        if (BookingCreated > FromDate)
        {
            Invalid(RideFields.BookingCreated, "must not be after from_date");
        }
        if (ToDate < FromDate)
        {
            Invalid(RideFields.ToDate, "must not be before from_date");
        }

        if (_errors.Count > _errorsBefore)
        {
            return null;
        }
        return new Ride(Id!.Value, UserId!.Value, VehicleModelId!.Value, PackageId, TravelTypeId!.Value, FromAreaId, ToAreaId,
            FromCityId, ToCityId, FromDate!.Value, ToDate, OnlineBooking ?? false, MobileSiteBooking ?? false, BookingCreated!.Value,
            FromLat, FromLong, ToLat, ToLong, CarCancellation ?? false);
    }

    private void Required<T>(T? value, string field) where T : struct
    {
        if (value is null && !HasError(field))
        {
            Invalid(field, "is required");
        }
    }

    private void Positive(long? value, string field)
    {
        if (value <= 0)
        {
            Invalid(field, "must be a positive integer");
        }
    }

    private void Coordinates(double? latitude, double? longitude, string latitudeField, string longitudeField)
    {
        if (latitude is < -90 or > 90)
        {
            Invalid(latitudeField, "must be a latitude between -90 and 90");
        }
        if (longitude is < -180 or > 180)
        {
            Invalid(longitudeField, "must be a longitude between -180 and 180");
        }
        if ((latitude is null) != (longitude is null) && !HasError(latitudeField) && !HasError(longitudeField))
        {
            Invalid(latitude is null ? latitudeField : longitudeField, $"{latitudeField} and {longitudeField} are both present or both NULL");
        }
    }

    private bool HasError(string field)
    {
        for (var i = _errorsBefore; i < _errors.Count; i++)
        {
            if (_errors[i].Field == field)
            {
                return true;
            }
        }
        return false;
    }
}
