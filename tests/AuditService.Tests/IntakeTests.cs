using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.AuditServiceTests.Support;

namespace Fleet.AuditServiceTests;

[Collection(AuditCollection.Name)]
public sealed class IntakeTests(AuditFixture audit)
{
    [Fact]
    public async Task An_event_is_accepted_stored_and_found_by_its_filters_in_the_formats_shape()
    {
        var client = audit.Client("audit:write audit:read", "billing-app");
        var invoice = $"INV-{Guid.NewGuid():N}";
        var sent = new
        {
            occurred_at = "2026-12-01T09:15:02.120+01:00",
            application = "billing",
            environment = "staging",
            category = "billing",
            action = "customer.charged",
            outcome = "success",
            actor = new { type = "service", id = "invoicer", origin = "10.1.2.3" },
            resource = new { type = "customer", id = "c-1842" },
            tags = new { plan = "pro", region = "eu" },
            metrics = new { amount = 49.0 },
            details = new { currency = "EUR", invoice, lines = new[] { new { sku = "pro", qty = 1 } } },
        };

        var response = await client.PostAsJsonAsync("/audit/events", sent);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ids")[0].GetGuid();
        var found = await AuditFixture.EventsAsync(client, $"from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z&application=billing&tag.plan=pro&details.invoice={invoice}");
        var stored = found.Should().ContainSingle().Subject;
        stored.GetProperty("id").GetGuid().Should().Be(id);
        stored.GetProperty("occurred_at").GetDateTimeOffset().Should().Be(DateTimeOffset.Parse("2026-12-01T08:15:02.120Z"));
        stored.GetProperty("received_at").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        stored.GetProperty("environment").GetString().Should().Be("staging");
        stored.GetProperty("level").GetString().Should().Be("info", "the format's default");
        stored.GetProperty("actor").GetProperty("origin").GetString().Should().Be("10.1.2.3");
        stored.GetProperty("resource").GetProperty("id").GetString().Should().Be("c-1842");
        stored.GetProperty("metrics").GetProperty("amount").GetDouble().Should().Be(49.0);
        stored.GetProperty("details").GetProperty("lines")[0].GetProperty("qty").GetInt32().Should().Be(1);
        (await AuditFixture.EventsAsync(client, $"from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z&tag.plan=free&details.invoice={invoice}", expected: 0))
            .Should().BeEmpty("another tag value matches nothing");
        var single = await client.GetFromJsonAsync<JsonElement>($"/audit/events/{id}");
        single.GetProperty("action").GetString().Should().Be("customer.charged");
    }

    [Fact]
    public async Task A_batch_with_one_bad_event_is_a_400_naming_each_problem_and_nothing_of_it_is_stored()
    {
        var client = audit.Client("audit:write audit:read", "careless-app");
        var marker = Guid.NewGuid().ToString("N");
        var good = Event(marker, "2026-12-02T10:00:00Z");
        var deep = new Dictionary<string, object>();
        var level = deep;
        for (var i = 0; i < 9; i++)
        {
            var next = new Dictionary<string, object>();
            level["n"] = next;
            level = next;
        }
        var bad = new Dictionary<string, object?>
        {
            ["occurred_at"] = "2026-12-02 10:00", ["application"] = "careless", ["category"] = "two words", ["action"] = "x",
            ["outcome"] = "meh", ["actor"] = new { type = "robot", id = "r" }, ["severity"] = "high", ["details"] = deep,
            ["tags"] = Enumerable.Range(0, 17).ToDictionary(i => $"t{i}", i => "v"),
        };

        var response = await client.PostAsJsonAsync("/audit/events", new object[] { good, bad });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.EnumerateObject().Select(e => e.Name).Should().BeEquivalentTo(
            "[1].occurred_at", "[1].category", "[1].outcome", "[1].actor.type", "[1].severity", "[1].details", "[1].tags");
        var tooMany = await client.PostAsJsonAsync("/audit/events", Enumerable.Range(0, 1001).Select(_ => good).ToArray());
        tooMany.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var notJson = await client.PostAsync("/audit/events", new StringContent("{\"occurred_at\":", System.Text.Encoding.UTF8, "application/json"));
        notJson.StatusCode.Should().Be(HttpStatusCode.BadRequest);

        // The good event of the refused batch, sent alone now, is the only one stored with its marker.
        (await client.PostAsJsonAsync("/audit/events", good)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await AuditFixture.EventsAsync(client, $"from=2026-12-02T00:00:00Z&to=2026-12-03T00:00:00Z&details.marker={marker}");
        (await audit.ScalarAsync<long>("SELECT count(*) FROM audit.events WHERE details->>'marker' = $1", marker)).Should().Be(1);
    }

    [Fact]
    public async Task An_event_sent_again_with_its_id_is_stored_once()
    {
        var client = audit.Client("audit:write audit:read", "retrying-app");
        var marker = Guid.NewGuid().ToString("N");
        var id = Guid.NewGuid();
        var sent = new Dictionary<string, object?>(Event(marker, "2026-12-02T11:00:00Z")) { ["id"] = id };

        for (var attempt = 0; attempt < 3; attempt++)
        {
            (await client.PostAsJsonAsync("/audit/events", new[] { sent, sent })).StatusCode.Should().Be(HttpStatusCode.Accepted);
        }
        // Something sent after the re-sends is stored, so they have all been through.
        var after = Guid.NewGuid().ToString("N");
        await client.PostAsJsonAsync("/audit/events", Event(after, "2026-12-02T11:00:01Z"));
        await AuditFixture.EventsAsync(client, $"from=2026-12-02T00:00:00Z&to=2026-12-03T00:00:00Z&details.marker={after}");

        (await audit.ScalarAsync<long>("SELECT count(*) FROM audit.events WHERE id = $1", id)).Should().Be(1);
    }

    [Fact]
    public async Task Submitting_needs_audit_write_and_reading_audit_read()
    {
        var readOnly = audit.Client("audit:read", "reader");
        var writeOnly = audit.Client("audit:write", "writer");

        (await readOnly.PostAsJsonAsync("/audit/events", Event("x", "2026-12-02T11:00:00Z"))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await writeOnly.GetAsync("/audit/events")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await audit.Factory.CreateClient().GetAsync("/audit/events")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    public static Dictionary<string, object?> Event(string marker, string occurredAt, string actor = "invoicer", string actorType = "service") => new()
    {
        ["occurred_at"] = occurredAt,
        ["application"] = "billing",
        ["category"] = "billing",
        ["action"] = "customer.charged",
        ["outcome"] = "success",
        ["actor"] = new { type = actorType, id = actor },
        ["details"] = new { marker },
    };
}
