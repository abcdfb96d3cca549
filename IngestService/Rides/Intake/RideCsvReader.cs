using System.Globalization;
using nietras.SeparatedValues;

namespace Fleet.IngestService.Rides.Intake;

/// <summary>
/// Reads rides from the operator's CSV export: columns matched by header name (any order, any case), missing values as
/// the literal <c>NULL</c>, timestamps as <c>M/d/yyyy H:mm</c> in the operator's zone, flags as 0/1.
/// </summary>
internal sealed class RideCsvReader
{
    private readonly int[] _columns;

    private RideCsvReader(int[] columns) => _columns = columns;

    /// <summary>The reader for <paramref name="header"/>, or the reason the header is not the export's.</summary>
    public static RideCsvReader? For(SepReaderHeader header, out string? problem)
    {
        var names = header.ColNames;
        var unknown = names.Where(n => !RideFields.All.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList();
        var missing = RideFields.All.Where(f => !names.Contains(f, StringComparer.OrdinalIgnoreCase)).ToList();
        var repeated = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        problem = (missing, unknown, repeated) switch
        {
            ({ Count: > 0 }, _, _) => $"misses the columns {string.Join(", ", missing)}",
            (_, { Count: > 0 }, _) => $"has columns the export does not: {string.Join(", ", unknown)}",
            (_, _, { Count: > 0 }) => $"repeats the columns {string.Join(", ", repeated)}",
            _ => null,
        };
        // The header looks names up with the reader's comparer, case-insensitive.
        return problem is null ? new RideCsvReader([.. RideFields.All.Select(field => header.IndexOf(field))]) : null;
    }

    /// <summary>The ride in <paramref name="row"/>, or null with the reasons added to <paramref name="errors"/>.</summary>
    public Ride? Read(SepReader.Row row, int rowNumber, List<RowError> errors)
    {
        var draft = new RideDraft(rowNumber, errors);
        if (row.ColCount != _columns.Length)
        {
            draft.Invalid("row", $"has {row.ColCount} columns where the header has {_columns.Length}");
            return null;
        }
        draft.Id = Long(draft, row, 0);
        draft.UserId = Long(draft, row, 1);
        draft.VehicleModelId = Int(draft, row, 2);
        draft.PackageId = Int(draft, row, 3);
        draft.TravelTypeId = Int(draft, row, 4);
        draft.FromAreaId = Int(draft, row, 5);
        draft.ToAreaId = Int(draft, row, 6);
        draft.FromCityId = Int(draft, row, 7);
        draft.ToCityId = Int(draft, row, 8);
        draft.FromDate = Timestamp(draft, row, 9);
        draft.ToDate = Timestamp(draft, row, 10);
        draft.OnlineBooking = Flag(draft, row, 11);
        draft.MobileSiteBooking = Flag(draft, row, 12);
        draft.BookingCreated = Timestamp(draft, row, 13);
        draft.FromLat = Double(draft, row, 14);
        draft.FromLong = Double(draft, row, 15);
        draft.ToLat = Double(draft, row, 16);
        draft.ToLong = Double(draft, row, 17);
        draft.CarCancellation = Flag(draft, row, 18);
        return draft.ToRide();
    }

    private ReadOnlySpan<char> Value(SepReader.Row row, int field, out bool isNull)
    {
        var value = row[_columns[field]].Span.Trim();
        isNull = value.Length == 0 || value.SequenceEqual("NULL");
        return value;
    }

    private long? Long(RideDraft draft, SepReader.Row row, int field)
    {
        var value = Value(row, field, out var isNull);
        return isNull ? null
            : long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number
            : Invalid<long>(draft, field, "must be an integer");
    }

    private int? Int(RideDraft draft, SepReader.Row row, int field)
    {
        var value = Value(row, field, out var isNull);
        return isNull ? null
            : int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number
            : Invalid<int>(draft, field, "must be an integer");
    }

    private double? Double(RideDraft draft, SepReader.Row row, int field)
    {
        var value = Value(row, field, out var isNull);
        return isNull ? null
            : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) ? number
            : Invalid<double>(draft, field, "must be a number in decimal degrees");
    }

    private bool? Flag(RideDraft draft, SepReader.Row row, int field)
    {
        var value = Value(row, field, out var isNull);
        return isNull ? null : value is "1" ? true : value is "0" ? false : Invalid<bool>(draft, field, "must be 0 or 1");
    }

    private DateTimeOffset? Timestamp(RideDraft draft, SepReader.Row row, int field)
    {
        var value = Value(row, field, out var isNull);
        return isNull ? null
            : OperatorTime.TryParseCsv(value, out var instant) ? instant
            : Invalid<DateTimeOffset>(draft, field, "must be a timestamp as M/d/yyyy H:mm, such as 3/14/2013 8:30");
    }

    private static T? Invalid<T>(RideDraft draft, int field, string reason) where T : struct
    {
        draft.Invalid(RideFields.All[field], reason);
        return null;
    }
}
