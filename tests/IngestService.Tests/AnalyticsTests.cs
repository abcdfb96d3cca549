using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.IngestServiceTests.Support;

namespace Fleet.IngestServiceTests;

/// <summary>Each test reads a city of its own, seeded through the intake, so that other tests' rides do not count.</summary>
[Collection(IngestCollection.Name)]
public sealed class AnalyticsTests(IngestFixture fleet)
{
    /// <summary>Six rides in a fresh city: hours, areas, routes, channels and coordinates chosen so every figure is known.</summary>
    private async Task<(HttpClient Client, int City)> SeedAsync()
    {
        var client = fleet.Client();
        var city = Random.Shared.Next(100_000, int.MaxValue);
        var rides = new[]
        {
            Ride(city, "2013-03-14T08:30:00", area: 1, to: 2, cancelled: true, online: true, mobile: false, lat: 12.0),
            Ride(city, "2013-03-14T08:45:00", area: 1, to: 2, cancelled: false, online: true, mobile: false, lat: 12.1),
            Ride(city, "2013-03-15T08:05:00", area: 1, to: 3, cancelled: false, online: false, mobile: true, lat: 12.2),
            Ride(city, "2013-03-15T22:10:00", area: 2, to: 1, cancelled: true, online: false, mobile: false, lat: null),
            Ride(city, "2013-03-16T22:50:00", area: 3, to: 2, cancelled: false, online: false, mobile: true, lat: 12.5),
            Ride(city, "2013-03-17T03:00:00+05:30", area: 3, to: 2, cancelled: false, online: true, mobile: true, lat: 13.0),
        };
        (await Tracking.FinalAsync(client, await client.PostAsJsonAsync("/rides", rides))).GetProperty("status").GetString().Should().Be("stored");
        return (client, city);
    }

    private static Dictionary<string, object?> Ride(int city, string start, int area, int to, bool cancelled, bool online, bool mobile, double? lat) =>
        Rides.Json(Rides.NewId(), r =>
        {
            r["from_city_id"] = city;
            r["from_date"] = start;
            r["booking_created"] = "2013-03-01T00:00:00";
            r["from_area_id"] = area;
            r["to_area_id"] = to;
            r["car_cancellation"] = cancelled;
            r["online_booking"] = online;
            r["mobile_site_booking"] = mobile;
            // Every trip ends at (12, 77): a degree of latitude is 111.2 km on the mean Earth radius.
            r["from_lat"] = lat;
            r["from_long"] = lat is null ? null : 77.0;
            r["to_lat"] = lat is null ? null : 12.0;
            r["to_long"] = lat is null ? null : 77.0;
        });

    [Fact]
    public async Task Cancellation_rate_by_hour_counts_every_hour_of_the_operators_day()
    {
        var (client, city) = await SeedAsync();

        var report = await client.GetFromJsonAsync<JsonElement>($"/rides/analytics/cancellations/by-hour?city={city}");

        var hours = report.GetProperty("items").EnumerateArray().ToDictionary(h => h.GetProperty("key").GetInt32());
        hours.Should().HaveCount(24);
        (hours[8].GetProperty("rides").GetInt64(), hours[8].GetProperty("cancelled").GetInt64()).Should().Be((3, 1));
        hours[8].GetProperty("cancellation_rate").GetDouble().Should().Be(0.3333);
        (hours[22].GetProperty("rides").GetInt64(), hours[22].GetProperty("cancelled").GetInt64()).Should().Be((2, 1));
        hours[3].GetProperty("rides").GetInt64().Should().Be(1, "03:00+05:30 is 03:00 in the operator's zone");
        hours[12].GetProperty("rides").GetInt64().Should().Be(0);
    }

    [Fact]
    public async Task Cancellations_by_area_and_top_lists_put_the_busiest_first_within_the_window()
    {
        var (client, city) = await SeedAsync();

        var byArea = await client.GetFromJsonAsync<JsonElement>($"/rides/analytics/cancellations/by-area?city={city}");
        var routes = await client.GetFromJsonAsync<JsonElement>($"/rides/analytics/routes/top?city={city}&limit=2");
        var windowed = await client.GetFromJsonAsync<JsonElement>(
            $"/rides/analytics/pickup-areas/top?city={city}&from=2013-03-15T00:00:00%2B05:30&to=2013-03-16T00:00:00%2B05:30");

        byArea.GetProperty("items").EnumerateArray().Select(a => (a.GetProperty("key").GetInt32(), a.GetProperty("rides").GetInt64(), a.GetProperty("cancelled").GetInt64()))
            .Should().Equal((1, 3, 1), (3, 2, 0), (2, 1, 1));
        routes.GetProperty("items").EnumerateArray().Select(r => (r.GetProperty("from_area_id").GetInt32(), r.GetProperty("to_area_id").GetInt32(), r.GetProperty("rides").GetInt64()))
            .Should().Equal((1, 2, 2), (3, 2, 2));
        windowed.GetProperty("items").EnumerateArray().Select(a => (a.GetProperty("area_id").GetInt32(), a.GetProperty("rides").GetInt64()))
            .Should().Equal((1, 1), (2, 1));
    }

    [Fact]
    public async Task Booking_channels_split_desktop_mobile_site_and_other()
    {
        var (client, city) = await SeedAsync();

        var channels = await client.GetFromJsonAsync<JsonElement>($"/rides/analytics/booking-channels?city={city}");

        (channels.GetProperty("rides").GetInt64(), channels.GetProperty("desktop").GetInt64(), channels.GetProperty("mobile_site").GetInt64(),
            channels.GetProperty("other").GetInt64()).Should().Be((6, 3, 2, 1), "a ride booked on both counts as desktop");
    }

    [Fact]
    public async Task Trip_distances_give_percentiles_and_a_histogram_with_an_open_last_bucket()
    {
        var (client, city) = await SeedAsync();

        var report = await client.GetFromJsonAsync<JsonElement>($"/rides/analytics/distances?city={city}&bucket_km=20&buckets=5");

        report.GetProperty("rides").GetInt64().Should().Be(5, "one ride has no coordinates");
        report.GetProperty("p50_km").GetDouble().Should().BeApproximately(22.24, 0.01, "the median trip is 0.2 degrees of latitude");
        report.GetProperty("histogram").EnumerateArray().Select(b => b.GetProperty("rides").GetInt64()).Should().Equal(2, 1, 1, 0, 1); // 0 and 11.1 km; 22.2; 55.6; none; 111.2
        report.GetProperty("histogram")[4].GetProperty("to_km").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Theory]
    [InlineData("/rides/analytics/routes/top?limit=0", "limit")]
    [InlineData("/rides/analytics/booking-channels?from=2014-01-01T00:00:00Z&to=2013-01-01T00:00:00Z", "from")]
    [InlineData("/rides/analytics/distances?bucket_km=0", "bucket_km")]
    public async Task A_bad_parameter_is_a_400_naming_it(string url, string field)
    {
        var response = await fleet.Client().GetAsync(url);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue();
    }

    [Fact]
    public async Task Analytics_need_rides_read()
    {
        var response = await fleet.Client(scope: "rides:write").GetAsync("/rides/analytics/booking-channels");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
