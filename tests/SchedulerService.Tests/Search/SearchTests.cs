using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fleet.SchedulerService.Catalogue;
using Fleet.SchedulerServiceTests.Support;

namespace Fleet.SchedulerServiceTests.Search;

[Collection(SchedulerCollection.Name)]
public sealed class SearchTests(SchedulerFixture fleet)
{
    private static int _nextYear = 2100;

    [Fact]
    public async Task Plans_that_start_and_end_within_the_range_are_found_sorted_by_start_then_title_in_the_documents_shape()
    {
        var year = NextYear();
        await UpdateAsync(
            BasePlan(Base(year, 1), "online", "Zebra", Plan(1, $"{year}-05-02T20:00:00", $"{year}-05-02T22:30:00", "35.00", "22.50")),
            BasePlan(Base(year, 2), "online", "Alpha", Plan(1, $"{year}-05-02T20:00:00", $"{year}-05-02T21:00:00", "10.00"),
                Plan(2, $"{year}-05-01T18:00:00", $"{year}-05-01T19:00:00", "12.00"),
                Plan(3, $"{year}-05-03T18:00:00", $"{year}-05-04T01:00:00", "12.00")));

        var answer = await fleet.Client().GetFromJsonAsync<JsonElement>($"/search?starts_at={year}-05-01T00:00:00&ends_at={year}-05-03T23:59:59");

        answer.GetProperty("error").ValueKind.Should().Be(JsonValueKind.Null);
        var events = answer.GetProperty("data").GetProperty("events").EnumerateArray().ToList();
        events.Select(e => e.GetProperty("id").GetGuid()).Should().Equal(
            PlanId.For(Base(year, 2), 2), PlanId.For(Base(year, 2), 1), PlanId.For(Base(year, 1), 1));
        var zebra = events[2];
        zebra.GetProperty("title").GetString().Should().Be("Zebra");
        zebra.GetProperty("start_date").GetString().Should().Be($"{year}-05-02");
        zebra.GetProperty("start_time").GetString().Should().Be("20:00:00");
        zebra.GetProperty("end_date").GetString().Should().Be($"{year}-05-02");
        zebra.GetProperty("end_time").GetString().Should().Be("22:30:00");
        zebra.GetProperty("min_price").GetDecimal().Should().Be(22.5m);
        zebra.GetProperty("max_price").GetDecimal().Should().Be(35m);
        (await fleet.Client().GetStringAsync($"/events/search?starts_at={year}-05-01T00:00:00Z&ends_at={year}-05-03T23:59:59Z"))
            .Should().Be(answer.GetRawText(), "the same search at its other path, with Z on the times");
    }

    [Theory]
    [InlineData("ends_at=2027-01-01T00:00:00", "starts_at is required")]
    [InlineData("starts_at=tomorrow&ends_at=2027-01-01T00:00:00", "starts_at must be an ISO 8601 date-time")]
    [InlineData("starts_at=2027-01-01T00:00:00&ends_at=2027-02-30T00:00:00", "ends_at must be an ISO 8601 date-time")]
    [InlineData("starts_at=2027-02-01T00:00:00&ends_at=2027-01-01T00:00:00", "starts_at must not be after ends_at")]
    [InlineData("starts_at=1000-01-01T00:00:00&ends_at=9999-01-01T00:00:00", "must not be longer than ten years")]
    public async Task A_bad_range_is_a_400_in_the_error_envelope_naming_the_parameter(string query, string message)
    {
        var response = await fleet.Client().GetAsync($"/search?{query}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        answer.GetProperty("data").ValueKind.Should().Be(JsonValueKind.Null);
        answer.GetProperty("error").GetProperty("code").GetString().Should().Be("400");
        answer.GetProperty("error").GetProperty("message").GetString().Should().Contain(message);
    }

    [Fact]
    public async Task Answers_come_from_the_cache_until_the_catalogue_changes()
    {
        var year = NextYear();
        var range = $"/search?starts_at={year}-01-01T00:00:00&ends_at={year}-12-31T00:00:00";
        await UpdateAsync(BasePlan(Base(year, 1), "online", "Cached", Plan(1, $"{year}-03-01T20:00:00", $"{year}-03-01T21:00:00", "35.00")));
        var first = await fleet.Client().GetStringAsync(range);

        // Written behind the catalogue's back: a cached answer does not see it.
        await fleet.ExecuteAsync("UPDATE scheduler.plans SET title = 'Behind its back' WHERE id = $1", PlanId.For(Base(year, 1), 1));
        (await fleet.Client().GetStringAsync(range)).Should().Be(first);

        await UpdateAsync(BasePlan(Base(year, 1), "online", "Cached", Plan(1, $"{year}-03-01T20:00:00", $"{year}-03-01T21:00:00", "40.00")));
        var fresh = await fleet.Client().GetFromJsonAsync<JsonElement>(range);
        fresh.GetProperty("data").GetProperty("events")[0].GetProperty("max_price").GetDecimal().Should().Be(40m);
    }

    [Fact]
    public async Task A_change_applied_on_one_replica_is_seen_at_once_by_another_that_holds_the_old_answer_in_memory()
    {
        var year = NextYear();
        var range = $"/search?starts_at={year}-01-01T00:00:00&ends_at={year}-12-31T00:00:00";
        await UpdateAsync(BasePlan(Base(year, 1), "online", "Shared", Plan(1, $"{year}-05-01T20:00:00", $"{year}-05-01T21:00:00", "35.00")));
        await using var replica = fleet.CreateFactory(GatedJob.Name, "0 0 1 1 *", fleet.Gate, settings: ("Search:LocalCacheFor", "00:10:00"));
        var other = replica.CreateClient();
        await other.GetStringAsync(range);
        (await other.GetStringAsync(range)).Should().Contain("35");

        await UpdateAsync(BasePlan(Base(year, 1), "online", "Shared", Plan(1, $"{year}-05-01T20:00:00", $"{year}-05-01T21:00:00", "42.00")));
        decimal seen = 0;
        for (var attempt = 0; attempt < 20 && seen != 42m; attempt++, await Task.Delay(50))
        {
            seen = (await other.GetFromJsonAsync<JsonElement>(range)).GetProperty("data").GetProperty("events")[0].GetProperty("max_price").GetDecimal();
        }

        seen.Should().Be(42m, "the version bump is published to every replica, within a second");
    }

    private static int NextYear() => Interlocked.Increment(ref _nextYear);

    // Base plan ids unique to the year, so that tests sharing the catalogue do not meet.
    private static long Base(int year, int n) => year * 1000L + n;

    private static string Plan(long id, string startsAt, string endsAt, params string[] prices) =>
        $"""<plan plan_id="{id}" plan_start_date="{startsAt}" plan_end_date="{endsAt}" sold_out="false">{string.Concat(prices.Select((price, i) => $"""<zone zone_id="{i}" name="Z{i}" capacity="10" price="{price}" numbered="true"/>"""))}</plan>""";

    private static string BasePlan(long id, string sellMode, string title, params string[] plans) =>
        $"""<base_plan base_plan_id="{id}" sell_mode="{sellMode}" title="{title}">{string.Concat(plans)}</base_plan>""";

    private async Task UpdateAsync(params string[] basePlans)
    {
        var xml = $"""<planList version="1.0"><output>{string.Concat(basePlans)}</output></planList>""";
        await fleet.Service<CatalogueUpdater>().UpdateAsync(new MemoryStream(Encoding.UTF8.GetBytes(xml)), CancellationToken.None);
    }
}
