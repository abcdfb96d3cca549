using System.Collections.Frozen;
using System.Text.Json;

namespace Fleet.IngestService.Rides.Intake;

/// <summary>Reads rides from JSON: the format's fields in snake_case, nulls as null, flags as booleans or 0/1.</summary>
internal static class RideJsonReader
{
    private delegate void FieldReader(RideDraft draft, JsonElement value);

    private static readonly FrozenDictionary<string, FieldReader> Fields = new Dictionary<string, FieldReader>(StringComparer.OrdinalIgnoreCase)
    {
        [RideFields.Id] = (d, v) => d.Id = Long(d, v, RideFields.Id),
        [RideFields.UserId] = (d, v) => d.UserId = Long(d, v, RideFields.UserId),
        [RideFields.VehicleModelId] = (d, v) => d.VehicleModelId = Int(d, v, RideFields.VehicleModelId),
        [RideFields.PackageId] = (d, v) => d.PackageId = Int(d, v, RideFields.PackageId),
        [RideFields.TravelTypeId] = (d, v) => d.TravelTypeId = Int(d, v, RideFields.TravelTypeId),
        [RideFields.FromAreaId] = (d, v) => d.FromAreaId = Int(d, v, RideFields.FromAreaId),
        [RideFields.ToAreaId] = (d, v) => d.ToAreaId = Int(d, v, RideFields.ToAreaId),
        [RideFields.FromCityId] = (d, v) => d.FromCityId = Int(d, v, RideFields.FromCityId),
        [RideFields.ToCityId] = (d, v) => d.ToCityId = Int(d, v, RideFields.ToCityId),
        [RideFields.FromDate] = (d, v) => d.FromDate = Timestamp(d, v, RideFields.FromDate),
        [RideFields.ToDate] = (d, v) => d.ToDate = Timestamp(d, v, RideFields.ToDate),
        [RideFields.OnlineBooking] = (d, v) => d.OnlineBooking = Flag(d, v, RideFields.OnlineBooking),
        [RideFields.MobileSiteBooking] = (d, v) => d.MobileSiteBooking = Flag(d, v, RideFields.MobileSiteBooking),
        [RideFields.BookingCreated] = (d, v) => d.BookingCreated = Timestamp(d, v, RideFields.BookingCreated),
        [RideFields.FromLat] = (d, v) => d.FromLat = Double(d, v, RideFields.FromLat),
        [RideFields.FromLong] = (d, v) => d.FromLong = Double(d, v, RideFields.FromLong),
        [RideFields.ToLat] = (d, v) => d.ToLat = Double(d, v, RideFields.ToLat),
        [RideFields.ToLong] = (d, v) => d.ToLong = Double(d, v, RideFields.ToLong),
        [RideFields.CarCancellation] = (d, v) => d.CarCancellation = Flag(d, v, RideFields.CarCancellation),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The ride in <paramref name="element"/>, or null with the reasons added to <paramref name="errors"/>. Unknown fields are ignored.</summary>
    public static Ride? Read(JsonElement element, int row, List<RowError> errors)
    {
        var draft = new RideDraft(row, errors);
        if (element.ValueKind != JsonValueKind.Object)
        {
            draft.Invalid("ride", "must be a JSON object");
            return null;
        }
        foreach (var property in element.EnumerateObject())
        {
            if (Fields.TryGetValue(property.Name, out var read))
            {
                read(draft, property.Value);
            }
        }
        return draft.ToRide();
    }

    private static long? Long(RideDraft draft, JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number when value.TryGetInt64(out var number) => number,
        _ => Invalid<long>(draft, field, "must be an integer"),
    };

    private static int? Int(RideDraft draft, JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number when value.TryGetInt32(out var number) => number,
        _ => Invalid<int>(draft, field, "must be an integer"),
    };

    private static double? Double(RideDraft draft, JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number when value.TryGetDouble(out var number) && double.IsFinite(number) => number,
        _ => Invalid<double>(draft, field, "must be a number in decimal degrees"),
    };

    private static bool? Flag(RideDraft draft, JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when value.TryGetInt32(out var number) && number is 0 or 1 => number == 1,
        _ => Invalid<bool>(draft, field, "must be true, false, 0 or 1"),
    };

    private static DateTimeOffset? Timestamp(RideDraft draft, JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        _ when OperatorTime.TryParseJson(value, out var instant) => instant,
        _ => Invalid<DateTimeOffset>(draft, field, "must be an ISO 8601 timestamp, such as 2013-03-14T08:30:00+05:30"),
    };

    private static T? Invalid<T>(RideDraft draft, string field, string reason) where T : struct
    {
        draft.Invalid(field, reason);
        return null;
    }
}
