using System.Net.Http.Json;
using System.Text.Json;
using Fleet.ProviderStandIn;
using Fleet.SchedulerService.Catalogue;
using Fleet.SchedulerService.Jobs;
using Fleet.SchedulerServiceTests.Support;
using Fleet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.SchedulerServiceTests.Catalogue;

/// <summary>The stand-in's whole script, one fetch per step, with the search checked after each.</summary>
[Collection(SchedulerCollection.Name)]
public sealed class ProviderSequenceTests(SchedulerFixture fleet)
{
    private const string Window = "/search?starts_at=2027-01-01T00:00:00&ends_at=2027-12-31T23:59:59";

    [Fact]
    public async Task The_catalogue_follows_the_provider_through_every_step_and_search_answers_from_it()
    {
        var url = $"http://127.0.0.1:{LoopbackPort.Unused()}";
        await using var provider = ProviderStandInApp.Create(["--urls", url], ProviderScript.Default(stall: TimeSpan.FromSeconds(3)));
        await provider.StartAsync();
        await using var service = fleet.CreateFactory(GatedJob.Name, "0 0 1 1 *", new GatedJob(), settings:
            [("Provider:Url", $"{url}/events.xml"), ("Provider:Retries", "0"), ("Provider:AttemptTimeout", "00:00:01")]);
        var job = service.Services.GetRequiredKeyedService<IScheduledJob>(ProviderEventsJob.Name);
        var search = service.CreateClient();
        // The catalogue is shared with other tests: the stand-in's plans start from none.
        await fleet.ExecuteAsync("DELETE FROM scheduler.plans WHERE base_plan_id BETWEEN 700 AND 799");

        // 1. Online plans in, the gala (never online) and the 31st of September out; Jazz's prices count both stalls offers.
        (await job.RunAsync(CancellationToken.None)).Should().Be(4, "four plans were readable");
        var first = await EventsAsync(search);
        first.Select(e => e.Title).Should().Equal("Jazz at the harbour", "Comedy night", "Summer festival");
        first[0].Should().Be(new Found(PlanId.For(701, 9101), "Jazz at the harbour", "2027-05-02", "20:00:00", "2027-05-02", "22:30:00", 20m, 35m));
        first[1].Id.Should().Be(PlanId.For(703, 9101), "the same plan_id under another base plan is another plan");

        // 2. The same document: asked conditionally, 304, nothing to do.
        (await job.RunAsync(CancellationToken.None)).Should().Be(0);

        // 3. A 500: the run fails, the catalogue stays.
        await FailsAsync(job);
        (await EventsAsync(search)).Should().Equal(first);

        // 4. Jazz's stalls cost more, Comedy left the feed (kept), Theatre is new.
        await job.RunAsync(CancellationToken.None);
        var second = await EventsAsync(search);
        second.Select(e => e.Title).Should().Equal("Jazz at the harbour", "Comedy night", "Summer festival", "Theatre: The Tempest");
        second[0].MaxPrice.Should().Be(40m);

        // 5. Cut off half-way, and 6. stalled past the attempt's timeout: both fail, neither changes anything.
        await FailsAsync(job);
        await FailsAsync(job);
        (await EventsAsync(search)).Should().Equal(second);

        // 7. The festival's base plan turned offline: it was online once, so it stays.
        await job.RunAsync(CancellationToken.None);
        (await EventsAsync(search)).Should().Equal(second);
        (await fleet.ScalarAsync<bool>("SELECT online FROM scheduler.plans WHERE id = $1", PlanId.For(704, 9401))).Should().BeFalse();
    }

    private static async Task FailsAsync(IScheduledJob job)
    {
        var run = () => job.RunAsync(CancellationToken.None);
        await run.Should().ThrowAsync<Exception>();
    }

    private static async Task<List<Found>> EventsAsync(HttpClient search)
    {
        var answer = await search.GetFromJsonAsync<JsonElement>(Window);
        return [.. answer.GetProperty("data").GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("id").GetGuid() is var id && Ours.Contains(id))
            .Select(e => new Found(e.GetProperty("id").GetGuid(), e.GetProperty("title").GetString()!,
                e.GetProperty("start_date").GetString()!, e.GetProperty("start_time").GetString()!,
                e.GetProperty("end_date").GetString()!, e.GetProperty("end_time").GetString()!,
                e.GetProperty("min_price").GetDecimal(), e.GetProperty("max_price").GetDecimal()))];
    }

    private static readonly HashSet<Guid> Ours =
        [PlanId.For(701, 9101), PlanId.For(702, 9201), PlanId.For(703, 9101), PlanId.For(704, 9401), PlanId.For(705, 9501)];

    private sealed record Found(Guid Id, string Title, string StartDate, string StartTime, string EndDate, string EndTime, decimal MinPrice, decimal MaxPrice);
}
