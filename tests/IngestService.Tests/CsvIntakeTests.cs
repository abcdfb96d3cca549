using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fleet.IngestServiceTests.Support;

namespace Fleet.IngestServiceTests;

[Collection(IngestCollection.Name)]
public sealed class CsvIntakeTests(IngestFixture fleet)
{
    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    [Fact]
    public async Task The_operators_export_is_stored_as_it_is_with_NULLs_and_its_own_timestamps()
    {
        var client = fleet.Client();
        var ids = Rides.NewIds(2);

        var accepted = await client.PostAsync("/rides/csv", Csv(Rides.Csv([Rides.CsvLine(ids[0]), Rides.CsvLine(ids[1], cancelled: 1)])));

        (await Tracking.FinalAsync(client, accepted)).GetProperty("status").GetString().Should().Be("stored");
        var ride = await client.GetFromJsonAsync<JsonElement>($"/rides/{ids[1]}");
        ride.GetProperty("package_id").GetInt32().Should().Be(4);
        ride.GetProperty("to_area_id").ValueKind.Should().Be(JsonValueKind.Null);
        ride.GetProperty("from_date").GetDateTimeOffset().Should().Be(new DateTimeOffset(2013, 3, 14, 4, 30, 0, TimeSpan.Zero), "3/14/2013 10:00 in India");
        ride.GetProperty("car_cancellation").GetBoolean().Should().BeTrue();
        ride.GetProperty("distance_km").ValueKind.Should().Be(JsonValueKind.Null, "the drop coordinates are NULL");
    }

    [Fact]
    public async Task Columns_are_matched_by_name_in_any_order_and_case()
    {
        var client = fleet.Client();
        var id = Rides.NewId();
        var names = Rides.CsvHeader.Split(',');
        var values = Rides.CsvLine(id).Split(',');
        var order = Enumerable.Range(0, names.Length).Reverse().ToArray();
        var csv = string.Join(',', order.Select(i => names[i].ToUpperInvariant())) + "\r\n" + string.Join(',', order.Select(i => values[i])) + "\r\n";

        var accepted = await client.PostAsync("/rides/csv", Csv(csv));

        (await Tracking.FinalAsync(client, accepted)).GetProperty("status").GetString().Should().Be("stored");
        (await client.GetFromJsonAsync<JsonElement>($"/rides/{id}")).GetProperty("user_id").GetInt64().Should().Be(30002);
    }

    [Fact]
    public async Task An_export_of_many_parts_is_stored_whole_from_its_spool()
    {
        using var small = fleet.CreateFactory(("Rides:Intake:PartSize", "100"));
        var client = fleet.Client(factory: small);
        var ids = Rides.NewIds(1_050);

        var accepted = await client.PostAsync("/rides/csv", Csv(Rides.Csv(ids.Select(id => Rides.CsvLine(id)))));

        var view = await Tracking.FinalAsync(client, accepted);
        view.GetProperty("status").GetString().Should().Be("stored");
        view.GetProperty("rows").GetProperty("stored").GetInt32().Should().Be(1_050);
        (await fleet.ScalarAsync("SELECT count(*) FROM rides.rides WHERE id = ANY($1)", ids)).Should().Be(1_050);
        (await fleet.ScalarAsync("SELECT count(*) FROM rides.request_parts WHERE tracking_id = $1",
            view.GetProperty("tracking_id").GetGuid())).Should().Be(11);
    }

    [Fact]
    public async Task A_bad_row_after_many_good_parts_refuses_the_whole_export_and_nothing_of_it_is_stored()
    {
        using var small = fleet.CreateFactory(("Rides:Intake:PartSize", "100"));
        var ids = Rides.NewIds(600);
        var lines = ids.Select(id => Rides.CsvLine(id)).ToList();
        lines[550] = lines[550].Replace("3/14/2013 10:00", "2/30/2013 10:00");

        var response = await fleet.Client(factory: small).PostAsync("/rides/csv", Csv(Rides.Csv(lines)));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("row_errors")[0];
        (error.GetProperty("row").GetInt32(), error.GetProperty("field").GetString()).Should().Be((551, "from_date"));
        await Task.Delay(500);
        (await fleet.ScalarAsync("SELECT count(*) FROM rides.rides WHERE id = ANY($1)", ids)).Should().Be(0);
    }

    [Fact]
    public async Task With_partial_rows_of_wrong_shape_are_reported_and_the_rest_stored()
    {
        var client = fleet.Client();
        var ids = Rides.NewIds(4);
        var lines = new[]
        {
            Rides.CsvLine(ids[0]),
            Rides.CsvLine(ids[1]).Replace($"{ids[1]},", "12x,"),
            Rides.CsvLine(ids[2]) + ",extra",
            Rides.CsvLine(ids[3])[..40], // a truncated last line
        };

        var accepted = await client.PostAsync("/rides/csv?partial=true", Csv(Rides.CsvHeader + "\n" + string.Join('\n', lines)));

        var ack = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        ack.GetProperty("rows_accepted").GetInt32().Should().Be(1);
        ack.GetProperty("rejected").EnumerateArray().Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("field").GetString()))
            .Should().BeEquivalentTo([(2, "id"), (3, "row"), (4, "row")]);
        (await Tracking.FinalAsync(client, accepted)).GetProperty("rows").GetProperty("stored").GetInt32().Should().Be(1);
    }

    [Theory]
    [InlineData("id,user_id\n1,2\n", "header")]
    [InlineData("", "body")]
    public async Task An_export_with_a_wrong_header_or_none_is_a_400_naming_it(string csv, string field)
    {
        var response = await fleet.Client().PostAsync("/rides/csv", Csv(csv));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue();
    }

    [Fact]
    public async Task A_body_without_a_newline_is_refused_after_one_line_not_read_to_its_end()
    {
        var endless = new EndlessStream((byte)'a');

        var response = await fleet.Client().PostAsync("/rides/csv", new StreamContent(endless) { Headers = { { "Content-Type", "text/csv" } } });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("line 1", out _).Should().BeTrue();
        endless.BytesRead.Should().BeLessThan(1 << 20, "the limit is one line of 4 KiB, read in the parser's chunks");
    }

    /// <summary>A body that never ends, counting what was taken from it.</summary>
    private sealed class EndlessStream(byte fill) : Stream
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, fill, offset, count);
            BytesRead += count;
            return count;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
