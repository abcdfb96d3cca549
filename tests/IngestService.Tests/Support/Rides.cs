using System.Text;

namespace Fleet.IngestServiceTests.Support;

/// <summary>Rides in the XRides formats, with ids no other test uses.</summary>
public static class Rides
{
    private static long _nextId = DateTime.UtcNow.Ticks / 1_000 % 1_000_000_000 * 1_000;

    public const string CsvHeader =
        "id,user_id,vehicle_model_id,package_id,travel_type_id,from_area_id,to_area_id,from_city_id,to_city_id,from_date,to_date," +
        "online_booking,mobile_site_booking,booking_created,from_lat,from_long,to_lat,to_long,Car_Cancellation";

    public static long NewId() => Interlocked.Increment(ref _nextId);

    public static long[] NewIds(int count) => [.. Enumerable.Range(0, count).Select(_ => NewId())];

    /// <summary>A valid point-to-point ride as JSON, with <paramref name="change"/> applied to its fields.</summary>
    public static Dictionary<string, object?> Json(long id, Action<Dictionary<string, object?>>? change = null)
    {
        var ride = new Dictionary<string, object?>
        {
            ["id"] = id,
            ["user_id"] = 30001,
            ["vehicle_model_id"] = 12,
            ["package_id"] = null,
            ["travel_type_id"] = 2,
            ["from_area_id"] = 393,
            ["to_area_id"] = 1010,
            ["from_city_id"] = 15,
            ["to_city_id"] = null,
            ["from_date"] = "2013-03-14T08:30:00",
            ["to_date"] = null,
            ["online_booking"] = true,
            ["mobile_site_booking"] = 0,
            ["booking_created"] = "2013-03-14T07:55:00+05:30",
            ["from_lat"] = 12.97160,
            ["from_long"] = 77.59460,
            ["to_lat"] = 12.93520,
            ["to_long"] = 77.62450,
            ["car_cancellation"] = false,
        };
        change?.Invoke(ride);
        return ride;
    }

    /// <summary>A valid CSV line for ride <paramref name="id"/>.</summary>
    public static string CsvLine(long id, int cancelled = 0) =>
        $"{id},30002,28,4,3,571,NULL,15,NULL,3/14/2013 10:00,NULL,0,1,3/13/2013 22:10,12.95185,77.69642,NULL,NULL,{cancelled}";

    public static string Csv(IEnumerable<string> lines, string header = CsvHeader) =>
        new StringBuilder().AppendLine(header).AppendJoin('\n', lines).Append('\n').ToString();
}
