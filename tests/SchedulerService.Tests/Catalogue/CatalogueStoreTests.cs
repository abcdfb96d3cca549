using System.Text;
using Fleet.SchedulerService.Catalogue;
using Fleet.SchedulerService.Catalogue.Feed;
using Fleet.SchedulerServiceTests.Support;

namespace Fleet.SchedulerServiceTests.Catalogue;

[Collection(SchedulerCollection.Name)]
public sealed class CatalogueStoreTests(SchedulerFixture fleet)
{
    private static long _nextBasePlan = Random.Shared.NextInt64(1_000_000, 1_000_000_000);

    [Fact]
    public async Task Online_plans_are_catalogued_once_and_the_same_document_again_changes_nothing()
    {
        var (online, offline) = (NewBasePlan(), NewBasePlan());
        var document = Document(BasePlan(online, "online", Plan(1, "35.00")), BasePlan(offline, "offline", Plan(1, "10.00")));
        await ApplyAsync(Document()); // the feed is the whole document: this leaves what other tests stored out of it

        var first = await ApplyAsync(document);
        var again = await ApplyAsync(document);

        first.Should().Be(new CatalogueChange(1, 0, 0), "a plan never on sale online does not belong in the catalogue");
        again.Should().Be(new CatalogueChange(0, 0, 0));
        (await CountAsync(online)).Should().Be(1);
        (await CountAsync(offline)).Should().Be(0);
    }

    [Fact]
    public async Task A_changed_price_is_a_change_and_a_plan_that_leaves_the_feed_or_turns_offline_stays_catalogued()
    {
        var (a, b) = (NewBasePlan(), NewBasePlan());
        await ApplyAsync(Document());
        await ApplyAsync(Document(BasePlan(a, "online", Plan(1, "35.00"), Plan(2, "20.00")), BasePlan(b, "online", Plan(1, "5.00"))));

        var change = await ApplyAsync(Document(BasePlan(a, "online", Plan(1, "40.00")), BasePlan(b, "offline", Plan(1, "5.00"))));

        // Plan a/1 costs more; plan b/1 turned offline (a change, and kept); plan a/2 left the feed (kept, out of it).
        change.Should().Be(new CatalogueChange(0, 2, 1));
        (await CountAsync(a)).Should().Be(2);
        (await fleet.ScalarAsync<decimal>("SELECT max_price FROM scheduler.plans WHERE id = $1", PlanId.For(a, 1))).Should().Be(40.00m);
        (await fleet.ScalarAsync<bool>("SELECT in_feed FROM scheduler.plans WHERE id = $1", PlanId.For(a, 2))).Should().BeFalse();
        (await fleet.ScalarAsync<bool>("SELECT online FROM scheduler.plans WHERE id = $1", PlanId.For(b, 1))).Should().BeFalse();

        var back = await ApplyAsync(Document(BasePlan(a, "online", Plan(1, "40.00"), Plan(2, "20.00")), BasePlan(b, "offline", Plan(1, "5.00"))));
        back.Should().Be(new CatalogueChange(0, 1, 0), "a plan back in the feed is a change");
    }

    private static long NewBasePlan() => Interlocked.Increment(ref _nextBasePlan);

    private static string Plan(long planId, string price) =>
        $"""<plan plan_id="{planId}" plan_start_date="2027-05-02T20:00:00" plan_end_date="2027-05-02T22:30:00" sold_out="false"><zone zone_id="1" name="Stalls" capacity="10" price="{price}" numbered="true"/></plan>""";

    private static string BasePlan(long id, string sellMode, params string[] plans) =>
        $"""<base_plan base_plan_id="{id}" sell_mode="{sellMode}" title="Plan {id}">{string.Concat(plans)}</base_plan>""";

    private static string Document(params string[] basePlans) => $"""<planList version="1.0"><output>{string.Concat(basePlans)}</output></planList>""";

    private async Task<CatalogueChange> ApplyAsync(string xml)
    {
        var document = await ProviderDocumentReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(xml)), CancellationToken.None);
        return await fleet.Service<CatalogueStore>().ApplyAsync(document, CancellationToken.None);
    }

    private async Task<long> CountAsync(long basePlanId) =>
        await fleet.ScalarAsync<long>("SELECT count(*) FROM scheduler.plans WHERE base_plan_id = $1", basePlanId);
}
