using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.AuditServiceTests.Support;

namespace Fleet.AuditServiceTests;

[Collection(AuditCollection.Name)]
public sealed class QueryTests(AuditFixture audit)
{
    [Fact]
    public async Task A_user_sees_what_they_submitted_and_what_they_did_an_admin_sees_everything()
    {
        var marker = Guid.NewGuid().ToString("N");
        var window = "from=2026-11-30T00:00:00Z&to=2026-12-01T00:00:00Z";
        var alice = audit.Client("audit:write audit:read", $"alice-{marker}");
        var bob = audit.Client("audit:write audit:read", $"bob-{marker}");
        var admin = audit.Client("audit:read admin", "admin");
        await alice.PostAsJsonAsync("/audit/events", IntakeTests.Event(marker, "2026-11-30T10:00:00Z"));
        // Submitted by Alice's app, about something Bob did.
        await alice.PostAsJsonAsync("/audit/events", IntakeTests.Event(marker, "2026-11-30T10:00:01Z", actor: $"bob-{marker}", actorType: "user"));
        var bobs = await (await bob.PostAsJsonAsync("/audit/events", IntakeTests.Event(marker, "2026-11-30T10:00:02Z"))).Content.ReadFromJsonAsync<JsonElement>();

        var all = await AuditFixture.EventsAsync(admin, $"{window}&details.marker={marker}", expected: 3);
        var seenByAlice = await AuditFixture.EventsAsync(alice, $"{window}&details.marker={marker}", expected: 2);
        var seenByBob = await AuditFixture.EventsAsync(bob, $"{window}&details.marker={marker}", expected: 2);

        all.Should().HaveCount(3);
        seenByAlice.Select(e => e.GetProperty("occurred_at").GetDateTimeOffset().Second).Should().Equal(1, 0);
        seenByBob.Select(e => e.GetProperty("occurred_at").GetDateTimeOffset().Second).Should().Equal(2, 1);
        var bobsId = bobs.GetProperty("ids")[0].GetGuid();
        (await alice.GetAsync($"/audit/events/{bobsId}")).StatusCode.Should().Be(HttpStatusCode.NotFound, "another user's event does not exist for her");
        (await admin.GetAsync($"/audit/events/{bobsId}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Pages_go_newest_first_and_a_cursor_continues_where_the_last_page_ended()
    {
        var marker = Guid.NewGuid().ToString("N");
        var client = audit.Client("audit:write audit:read", $"pager-{marker}");
        var events = Enumerable.Range(0, 25).Select(i => IntakeTests.Event(marker, $"2026-11-29T10:00:{i:00}Z")).ToArray();
        (await client.PostAsJsonAsync("/audit/events", events)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var query = $"from=2026-11-29T00:00:00Z&to=2026-11-30T00:00:00Z&details.marker={marker}&limit=10";
        await AuditFixture.EventsAsync(client, query.Replace("limit=10", "limit=100"), expected: 25);

        var seconds = new List<int>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/audit/events?{query}{(cursor is null ? "" : $"&cursor={cursor}")}");
            seconds.AddRange(page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("occurred_at").GetDateTimeOffset().Second));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        seconds.Should().Equal(Enumerable.Range(0, 25).Reverse());
    }

    [Fact]
    public async Task Stats_count_per_bucket_and_group_and_the_export_streams_every_match_as_ndjson_or_csv()
    {
        var marker = Guid.NewGuid().ToString("N");
        var client = audit.Client("audit:write audit:read", $"counter-{marker}");
        var events = new[] { ("10:05", "success"), ("10:59", "failure"), ("10:30", "success"), ("12:00", "success") }
            .Select(e => new Dictionary<string, object?>(IntakeTests.Event(marker, $"2026-11-28T{e.Item1}:00Z")) { ["outcome"] = e.Item2 })
            .Append(new Dictionary<string, object?>(IntakeTests.Event(marker, "2026-11-28T12:01:00Z")) { ["action"] = "=HYPERLINK(\"x\")" })
            .ToArray();
        (await client.PostAsJsonAsync("/audit/events", events)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var window = $"from=2026-11-28T00:00:00Z&to=2026-11-29T00:00:00Z&details.marker={marker}";
        await AuditFixture.EventsAsync(client, window, expected: 5);

        var stats = await client.GetFromJsonAsync<JsonElement>($"/audit/stats?{window}&interval=1h&group_by=outcome");
        var ndjson = await client.GetStringAsync($"/audit/export?{window}");
        var csv = await client.GetAsync($"/audit/export?{window}&format=csv");
        var badInterval = await client.GetAsync($"/audit/stats?{window}&interval=1w&group_by=colour");

        stats.GetProperty("buckets").EnumerateArray().Select(b => (b.GetProperty("start").GetDateTimeOffset().Hour,
            string.Join(",", b.GetProperty("counts").EnumerateObject().Select(c => $"{c.Name}={c.Value.GetInt32()}"))))
            .Should().Equal((10, "failure=1,success=2"), (12, "success=2"));
        ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("occurred_at").GetDateTimeOffset().Minute)
            .Should().Equal(1, 0, 59, 30, 5);
        csv.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        var rows = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        rows.Should().HaveCount(6);
        rows[0].Should().StartWith("id,occurred_at,received_at,application");
        rows[1].Should().Contain(",\"'=HYPERLINK(\"\"x\"\")\",", "a formula is defused, and quoted");
        badInterval.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await badInterval.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.TryGetProperty("interval", out _).Should().BeTrue();
        errors.TryGetProperty("group_by", out _).Should().BeTrue();
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", "from")]
    [InlineData("limit=0", "limit")]
    [InlineData("cursor=not-ours", "cursor")]
    [InlineData("colour=red", "colour")]
    public async Task A_bad_query_is_a_400_naming_the_parameter(string query, string parameter)
    {
        var response = await audit.Client("audit:read", "someone").GetAsync($"/audit/events?{query}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(parameter, out _).Should().BeTrue();
    }
}
