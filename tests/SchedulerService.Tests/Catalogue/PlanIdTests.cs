using Fleet.SchedulerService.Catalogue;

namespace Fleet.SchedulerServiceTests.Catalogue;

public sealed class PlanIdTests
{
    [Fact]
    public void A_plan_keeps_its_id_and_the_pair_not_the_plan_id_alone_names_it()
    {
        var id = PlanId.For(701, 9101);

        id.Should().Be(PlanId.For(701, 9101));
        id.Should().NotBe(PlanId.For(702, 9101), "the same plan_id under another base plan is another plan");
        id.Should().NotBe(PlanId.For(70, 19101), "the parts are kept apart");
        id.ToString()[14].Should().Be('5', "a name-based (SHA-1) UUID is version 5");
        "89ab".Should().Contain(id.ToString()[19].ToString(), "the RFC 9562 variant");
    }

    [Fact]
    public void The_id_is_the_rfc_9562_version_5_uuid_of_the_pair_in_fleets_namespace()
    {
        // Computed independently: Python's uuid.uuid5(UUID('6f1c1d4e-3b1a-4f55-9d0e-2a7c4e8b9f10'), '701:9101').
        PlanId.For(701, 9101).Should().Be(Guid.Parse(Expected));
    }

    private const string Expected = "af19ac9c-0007-531c-a11d-2ed667287f14";
}
