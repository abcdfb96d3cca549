using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fleet.IngestService.Rides.Queue;
using Fleet.IngestServiceTests.Support;

namespace Fleet.IngestServiceTests;

[Collection(IngestCollection.Name)]
public sealed class JsonIntakeTests(IngestFixture fleet)
{
    [Fact]
    public async Task An_array_of_rides_is_acknowledged_then_stored_and_its_tracking_link_says_so()
    {
        var client = fleet.Client();
        var ids = Rides.NewIds(3);

        var accepted = await client.PostAsJsonAsync("/rides", ids.Select(id => Rides.Json(id)));

        var ack = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        ack.GetProperty("rows_accepted").GetInt32().Should().Be(3);
        accepted.Headers.Location!.ToString().Should().Be($"/rides/requests/{ack.GetProperty("tracking_id").GetGuid()}");
        var view = await Tracking.FinalAsync(client, accepted);
        view.GetProperty("status").GetString().Should().Be("stored");
        view.GetProperty("rows").GetProperty("stored").GetInt32().Should().Be(3);
        view.GetProperty("completed_at").ValueKind.Should().Be(JsonValueKind.String);
        (await fleet.ScalarAsync("SELECT count(*) FROM rides.rides WHERE id = ANY($1)", ids)).Should().Be(3);
    }

    [Fact]
    public async Task Single_rides_sent_together_share_queued_messages_and_each_is_stored_and_tracked_on_its_own()
    {
        var shared = new ConcurrentBag<int>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SharedRideMessages.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => shared.Add((int)activity.GetTagItem("fleet.requests.count")!),
        };
        ActivitySource.AddActivityListener(listener);
        var client = fleet.Client();
        var ids = Rides.NewIds(200);

        var accepted = await Task.WhenAll(ids.Select(id => client.PostAsJsonAsync("/rides", Rides.Json(id))));

        accepted.Should().OnlyContain(response => response.StatusCode == HttpStatusCode.Accepted);
        shared.Sum().Should().Be(200, "every request was queued once");
        shared.Count.Should().BeLessThan(200, "requests that arrived while a message awaited its confirm went into the next together");
        var views = await Task.WhenAll(accepted.Select(response => Tracking.FinalAsync(client, response)));
        views.Should().OnlyContain(view => view.GetProperty("status").GetString() == "stored"
            && view.GetProperty("rows").GetProperty("stored").GetInt32() == 1);
        (await fleet.ScalarAsync("SELECT count(*) FROM rides.rides WHERE id = ANY($1)", ids)).Should().Be(200);
    }

    [Fact]
    public async Task A_stored_ride_reads_back_in_utc_with_its_trip_distance()
    {
        var client = fleet.Client();
        var id = Rides.NewId();
        await Tracking.FinalAsync(client, await client.PostAsJsonAsync("/rides", Rides.Json(id)));

        var ride = await client.GetFromJsonAsync<JsonElement>($"/rides/{id}");

        // 08:30 without an offset is the operator's time, India (+05:30); with an offset it is taken as given.
        ride.GetProperty("from_date").GetDateTimeOffset().Should().Be(new DateTimeOffset(2013, 3, 14, 3, 0, 0, TimeSpan.Zero));
        ride.GetProperty("booking_created").GetDateTimeOffset().Should().Be(new DateTimeOffset(2013, 3, 14, 2, 25, 0, TimeSpan.Zero));
        ride.GetProperty("online_booking").GetBoolean().Should().BeTrue();
        ride.GetProperty("mobile_site_booking").GetBoolean().Should().BeFalse();
        ride.GetProperty("distance_km").GetDouble().Should().BeApproximately(5.1847, 0.001, "haversine from (12.9716, 77.5946) to (12.9352, 77.6245) on a 6371.0088 km Earth");
    }

    [Fact]
    public async Task One_invalid_row_refuses_the_request_whole_naming_row_field_and_reason_and_nothing_is_stored()
    {
        var ids = Rides.NewIds(3);
        var rides = new[]
        {
            Rides.Json(ids[0]),
            Rides.Json(ids[1], r => { r["user_id"] = "abc"; r["to_lat"] = null; }),
            Rides.Json(ids[2], r => r["booking_created"] = "2013-03-15T09:00:00"),
        };

        var response = await fleet.Client().PostAsJsonAsync("/rides", rides);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("invalid_rows").GetInt32().Should().Be(2);
        problem.GetProperty("row_errors").EnumerateArray().Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("field").GetString()))
            .Should().BeEquivalentTo([(2, "user_id"), (2, "to_lat"), (3, "booking_created")]);
        await Task.Delay(500); // time enough for anything queued to be stored
        (await fleet.ScalarAsync("SELECT count(*) FROM rides.rides WHERE id = ANY($1)", ids)).Should().Be(0);
    }

    [Fact]
    public async Task With_partial_the_valid_rows_are_stored_and_the_refused_ones_reported()
    {
        var client = fleet.Client();
        var ids = Rides.NewIds(3);
        var rides = new[] { Rides.Json(ids[0]), Rides.Json(ids[1], r => r["travel_type_id"] = 9), Rides.Json(ids[2]) };

        var accepted = await client.PostAsJsonAsync("/rides?partial=true", rides);

        var ack = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        ack.GetProperty("rows_accepted").GetInt32().Should().Be(2);
        ack.GetProperty("rows_rejected").GetInt32().Should().Be(1);
        ack.GetProperty("rejected")[0].GetProperty("field").GetString().Should().Be("travel_type_id");
        var view = await Tracking.FinalAsync(client, accepted);
        view.GetProperty("status").GetString().Should().Be("stored");
        view.GetProperty("rejected")[0].GetProperty("row").GetInt32().Should().Be(2);
        (await fleet.ScalarAsync("SELECT count(*) FROM rides.rides WHERE id = ANY($1)", ids)).Should().Be(2);
    }

    [Fact]
    public async Task A_ride_sent_again_is_stored_once_and_a_changed_resend_replaces_it()
    {
        var client = fleet.Client();
        var id = Rides.NewId();
        await Tracking.FinalAsync(client, await client.PostAsJsonAsync("/rides", Rides.Json(id)));
        await Tracking.FinalAsync(client, await client.PostAsJsonAsync("/rides", Rides.Json(id)));
        await Tracking.FinalAsync(client, await client.PostAsJsonAsync("/rides", Rides.Json(id, r => r["car_cancellation"] = 1)));

        (await fleet.ScalarAsync("SELECT count(*) FROM rides.rides WHERE id = $1", id)).Should().Be(1);
        (await client.GetFromJsonAsync<JsonElement>($"/rides/{id}")).GetProperty("car_cancellation").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task A_ride_twice_in_one_request_is_stored_once_as_its_later_row_says()
    {
        var client = fleet.Client();
        var ids = Rides.NewIds(2);

        var accepted = await client.PostAsJsonAsync("/rides", new[]
        {
            Rides.Json(ids[0]), Rides.Json(ids[1], r => r["user_id"] = 1), Rides.Json(ids[1], r => r["user_id"] = 2),
        });

        (await Tracking.FinalAsync(client, accepted)).GetProperty("status").GetString().Should().Be("stored");
        (await fleet.ScalarAsync("SELECT count(*) FROM rides.rides WHERE id = ANY($1)", ids)).Should().Be(2);
        (await client.GetFromJsonAsync<JsonElement>($"/rides/{ids[1]}")).GetProperty("user_id").GetInt64().Should().Be(2);
    }

    [Fact]
    public async Task The_same_batch_sent_twice_at_once_is_stored_once()
    {
        var client = fleet.Client();
        var ids = Rides.NewIds(500);
        var body = JsonSerializer.Serialize(ids.Select(id => Rides.Json(id)));

        var sends = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            client.PostAsync("/rides", new StringContent(body, Encoding.UTF8, "application/json"))));

        foreach (var accepted in sends)
        {
            (await Tracking.FinalAsync(client, accepted)).GetProperty("status").GetString().Should().Be("stored");
        }
        (await fleet.ScalarAsync("SELECT count(*) FROM rides.rides WHERE id = ANY($1)", ids)).Should().Be(500);
    }

    [Fact]
    public async Task A_request_is_visible_to_its_sender_only()
    {
        var accepted = await fleet.Client().PostAsJsonAsync("/rides", Rides.Json(Rides.NewId()));
        await Tracking.FinalAsync(fleet.Client(), accepted);

        var other = await fleet.Client(clientId: "someone-else").GetAsync(accepted.Headers.Location);

        other.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("", "body")]
    [InlineData("{\"id\": 1,", "body")]
    [InlineData("42", "body")]
    [InlineData("[]", "body")]
    public async Task A_body_that_is_not_rides_is_a_400_naming_the_body(string body, string field)
    {
        var response = await fleet.Client().PostAsync("/rides", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue(problem.ToString());
    }

    [Fact]
    public async Task Another_content_type_is_a_415()
    {
        var response = await fleet.Client().PostAsync("/rides", new StringContent("id=1", Encoding.UTF8, "application/x-www-form-urlencoded"));

        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("Content-Type", out _).Should().BeTrue();
    }

    [Fact]
    public async Task More_rides_than_the_maximum_is_a_413()
    {
        using var small = fleet.CreateFactory(("Rides:Intake:MaxRidesPerRequest", "2"));
        var response = await fleet.Client(factory: small).PostAsJsonAsync("/rides", Rides.NewIds(3).Select(id => Rides.Json(id)));

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Without_rides_write_the_intake_is_forbidden()
    {
        var response = await fleet.Client(scope: "rides:read").PostAsJsonAsync("/rides", Rides.Json(Rides.NewId()));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
