namespace Fleet.ProviderStandIn;

/// <summary>The stand-in's documents, each with the oddities the format doc says real ones have.</summary>
public static class ProviderDocuments
{
    /// <summary>
    /// Jazz (701/9101: one zone id twice, numbered and not), a plan on the 31st of September (skipped), a private gala
    /// that was never online, Comedy with the same plan_id as Jazz under another base plan, and a three-day festival.
    /// </summary>
    public static readonly string First = PlanList(
        Jazz("35.00"),
        """
        <base_plan base_plan_id="702" sell_mode="offline" title="Private gala">
          <plan plan_id="9201" plan_start_date="2027-06-01T19:00:00" plan_end_date="2027-06-01T23:00:00" sold_out="true">
            <zone zone_id="1" name="Hall" capacity="80" price="95.00" numbered="false"/>
          </plan>
        </base_plan>
        """,
        """
        <base_plan base_plan_id="703" sell_mode="online" title="Comedy night">
          <plan plan_id="9101" plan_start_date="2027-06-10T21:00:00" plan_end_date="2027-06-10T23:00:00" sold_out="false">
            <zone zone_id="1" name="Club" capacity="150" price="15.00" numbered="false"/>
          </plan>
        </base_plan>
        """,
        Festival("online"));

    /// <summary>Jazz's stalls cost 40 now; Comedy is gone from the feed; Theatre is new.</summary>
    public static readonly string Second = PlanList(Jazz("40.00"), Festival("online"), Theatre);

    /// <summary>The festival's base plan turned offline.</summary>
    public static readonly string Third = PlanList(Jazz("40.00"), Festival("offline"), Theatre);

    private static string Jazz(string stallsPrice) => $"""
        <base_plan base_plan_id="701" sell_mode="online" title="Jazz at the harbour" organizer_company_id="3">
          <plan plan_id="9101" plan_start_date="2027-05-02T20:00:00" plan_end_date="2027-05-02T22:30:00"
                sell_from="2027-01-01T00:00:00" sell_to="2027-05-02T19:00:00" sold_out="false">
            <zone zone_id="11" name="Stalls" capacity="300" price="{stallsPrice}" numbered="true"/>
            <zone zone_id="11" name="Stalls" capacity="80" price="20.00" numbered="false"/>
            <zone zone_id="12" name="Balcony" capacity="120" price="22.50" numbered="false"/>
          </plan>
          <plan plan_id="9102" plan_start_date="2027-09-31T20:00:00" plan_end_date="2027-09-31T22:30:00" sold_out="false">
            <zone zone_id="11" name="Stalls" capacity="300" price="35.00" numbered="true"/>
          </plan>
        </base_plan>
        """;

    private static string Festival(string sellMode) => $"""
        <base_plan base_plan_id="704" sell_mode="{sellMode}" title="Summer festival">
          <plan plan_id="9401" plan_start_date="2027-07-01T12:00:00" plan_end_date="2027-07-03T23:00:00" sold_out="false">
            <zone zone_id="1" name="Day pass" capacity="5000" price="55.00" numbered="false"/>
            <zone zone_id="2" name="Weekend pass" capacity="2000" price="120.00" numbered="false"/>
          </plan>
        </base_plan>
        """;

    private const string Theatre = """
        <base_plan base_plan_id="705" sell_mode="online" title="Theatre: The Tempest">
          <plan plan_id="9501" plan_start_date="2027-08-15T19:30:00" plan_end_date="2027-08-15T21:30:00" sold_out="false">
            <zone zone_id="1" name="Stalls" capacity="400" price="25.00" numbered="true"/>
          </plan>
        </base_plan>
        """;

    private static string PlanList(params string[] basePlans) =>
        $"""<?xml version="1.0" encoding="UTF-8"?>{"\n"}<planList version="1.0"><output>{string.Concat(basePlans)}</output></planList>""";
}
