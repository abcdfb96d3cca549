using System.Text;
using Fleet.SchedulerService.Catalogue.Feed;

namespace Fleet.SchedulerServiceTests.Catalogue;

public sealed class ProviderDocumentReaderTests
{
    private const string Document = """
        <?xml version="1.0" encoding="UTF-8"?>
        <planList version="1.0">
          <output>
            <base_plan base_plan_id="701" sell_mode="online" title="Jazz at the harbour" organizer_company_id="3">
              <plan plan_id="9101" plan_start_date="2027-05-02T20:00:00" plan_end_date="2027-05-02T22:30:00"
                    sell_from="2027-01-01T00:00:00" sell_to="2027-05-02T19:00:00" sold_out="false">
                <zone zone_id="11" name="Stalls" capacity="300" price="35.00" numbered="true"/>
                <zone zone_id="11" name="Stalls" capacity="80" price="20.00" numbered="false"/>
                <zone zone_id="12" name="Balcony" capacity="120" price="22.50" numbered="false"/>
              </plan>
              <plan plan_id="9102" plan_start_date="2027-09-31T20:00:00" plan_end_date="2027-10-01T22:30:00" sold_out="false">
                <zone zone_id="11" name="Stalls" capacity="300" price="35.00" numbered="true"/>
              </plan>
            </base_plan>
            <base_plan base_plan_id="702" sell_mode="offline" title="Private gala">
              <plan plan_id="9101" plan_start_date="2027-06-01T19:00:00" plan_end_date="2027-06-01T23:00:00" sold_out="true"/>
            </base_plan>
          </output>
        </planList>
        """;

    [Fact]
    public async Task Plans_are_read_with_every_zone_and_a_plan_with_an_impossible_date_is_skipped_and_counted()
    {
        var document = await ReadAsync(Document);

        document.Plans.Select(p => (p.BasePlanId, p.PlanId)).Should().Equal((701, 9101), (702, 9101));
        var jazz = document.Plans[0];
        jazz.Title.Should().Be("Jazz at the harbour");
        jazz.Online.Should().BeTrue();
        jazz.OrganizerCompanyId.Should().Be(3);
        jazz.StartsAt.Should().Be(new DateTime(2027, 5, 2, 20, 0, 0));
        jazz.EndsAt.Should().Be(new DateTime(2027, 5, 2, 22, 30, 0));
        jazz.Zones.Should().HaveCount(3, "the same zone_id twice is two offers: numbered and unnumbered seats");
        (jazz.MinPrice, jazz.MaxPrice).Should().Be((20.00m, 35.00m));
        document.Plans[1].Online.Should().BeFalse();
        document.Plans[1].Zones.Should().BeEmpty();
        document.Skipped.Should().Equal(new Dictionary<string, int> { ["plan with a start or end date that does not exist"] = 1 });
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("<html><body>Service unavailable</body></html>")]
    [InlineData("{\"plans\": []}")]
    [InlineData("<planList version=\"1.0\"><output><base_plan base_plan_id=\"701\" sell_mode=\"online\" title=\"Jazz\"><plan plan_id=\"9101\"")]
    [InlineData("<planList><output></output>")]
    public async Task A_document_that_is_not_a_whole_plan_list_is_refused_whole(string body)
    {
        var read = () => ReadAsync(body);

        await read.Should().ThrowAsync<UnreadableDocumentException>();
    }

    [Fact]
    public async Task A_document_type_definition_is_refused_rather_than_expanded()
    {
        const string entities = """
            <?xml version="1.0"?>
            <!DOCTYPE planList [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
            <planList><output><base_plan base_plan_id="1" sell_mode="online" title="&b;"/></output></planList>
            """;

        var read = () => ReadAsync(entities);

        await read.Should().ThrowAsync<UnreadableDocumentException>();
    }

    [Fact]
    public async Task An_empty_plan_list_is_a_document_with_no_plans()
    {
        var document = await ReadAsync("<planList version=\"1.0\"><output/></planList>");

        document.Plans.Should().BeEmpty();
        document.SkippedCount.Should().Be(0);
    }

    [Fact]
    public async Task Plans_and_zones_that_cannot_be_read_are_skipped_and_counted_and_the_rest_kept()
    {
        var document = await ReadAsync("""
            <planList><output>
              <base_plan base_plan_id="x" sell_mode="online" title="No id"><plan plan_id="1" plan_start_date="2027-01-01T10:00:00" plan_end_date="2027-01-01T11:00:00"/></base_plan>
              <base_plan base_plan_id="5" sell_mode="online" title="Five">
                <plan plan_id="1" plan_start_date="2027-01-01T10:00:00" plan_end_date="2027-01-01T09:00:00"/>
                <plan plan_id="2" plan_start_date="2027-01-01T10:00:00" plan_end_date="2027-01-01T11:00:00">
                  <zone zone_id="1" name="A" capacity="10" price="12,50" numbered="true"/>
                  <zone zone_id="2" name="B" capacity="10" price="9.99" numbered="true"/>
                </plan>
              </base_plan>
            </output></planList>
            """);

        document.Plans.Should().ContainSingle().Which.Should().Match<FeedPlan>(p => p.PlanId == 2 && p.MinPrice == 9.99m && p.MaxPrice == 9.99m);
        document.Skipped.Should().BeEquivalentTo(new Dictionary<string, int>
        {
            ["base plan without a numeric base_plan_id"] = 1,
            ["plan that ends before it starts"] = 1,
            ["zone without a readable id, capacity or price"] = 1,
        });
    }

    private static Task<ProviderDocument> ReadAsync(string xml) =>
        ProviderDocumentReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(xml)), CancellationToken.None);
}
