using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.AuditServiceTests.Support;

namespace Fleet.AuditServiceTests;

/// <summary>Servers of its own (a fixture instance of its own): retention deletes what other tests stored.</summary>
public sealed class RetentionTests(AuditFixture audit) : IClassFixture<AuditFixture>
{
    [Fact]
    public async Task A_run_drops_expired_partitions_and_deletes_exactly_the_events_past_their_policys_keep()
    {
        await using var service = audit.CreateFactory(("Audit:Retention:DefaultDays", "30"));
        var admin = audit.Client("audit:admin audit:write audit:read admin", "admin", service);
        var now = DateTimeOffset.UtcNow;
        (await admin.PostAsync("/audit/retention/run", null)).StatusCode.Should().Be(HttpStatusCode.OK, "with no policy, the default applies to all");
        // A partition far older than any keep, so that the run can drop it whole.
        await audit.ScalarAsync<object>("SELECT partman.create_partition_time('audit.events', ARRAY[$1::timestamptz])", now.AddDays(-120));
        var partition = await audit.ScalarAsync<string>("""
            SELECT p.partition_schemaname || '.' || p.partition_tablename
            FROM partman.show_partitions('audit.events') p,
                 LATERAL partman.show_partition_info(p.partition_schemaname || '.' || p.partition_tablename) i
            WHERE $1 >= i.child_start_time AND $1 < i.child_end_time
            """, now.AddDays(-120));
        partition.Should().NotBeNull();

        (await admin.PostAsJsonAsync("/audit/retention/policies", new { category = "authentication", keep_days = 90 })).StatusCode.Should().Be(HttpStatusCode.Created);
        (await admin.PostAsJsonAsync("/audit/retention/policies", new { level = "debug", keep_days = 7 })).StatusCode.Should().Be(HttpStatusCode.Created);
        (await admin.PostAsJsonAsync("/audit/retention/policies", new { level = "debug", keep_days = 8 })).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await admin.PostAsJsonAsync("/audit/retention/policies", new { level = "loud", keep_days = 0 })).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var events = new (string Name, string Category, string Level, int DaysAgo)[]
        {
            ("auth-100d", "authentication", "info", 100),   // past authentication's 90: deleted
            ("auth-20d", "authentication", "info", 20),     // kept
            ("debug-10d", "billing", "debug", 10),          // past debug's 7: deleted
            ("auth-debug-10d", "authentication", "debug", 10), // both match as specifically: the longer keep (90) wins
            ("plain-40d", "billing", "info", 40),           // no policy: the default 30, deleted
            ("plain-5d", "billing", "info", 5),             // kept
            ("plain-120d", "billing", "info", 120),         // in the partition dropped whole
        };
        var sent = events.Select(e => new Dictionary<string, object?>
        {
            ["occurred_at"] = now.AddDays(-e.DaysAgo).ToString("O"), ["application"] = "retained", ["category"] = e.Category,
            ["level"] = e.Level, ["action"] = e.Name, ["outcome"] = "success", ["actor"] = new { type = "service", id = "test" },
        });
        (await admin.PostAsJsonAsync("/audit/events", sent)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        for (var attempt = 0; attempt < 100 && await CountAsync() < events.Length; attempt++)
        {
            await Task.Delay(100);
        }
        (await CountAsync()).Should().Be(events.Length);

        var run = await admin.PostAsync("/audit/retention/run", null);

        run.StatusCode.Should().Be(HttpStatusCode.OK);
        var result = await run.Content.ReadFromJsonAsync<JsonElement>();
        result.GetProperty("partitions_dropped").GetInt32().Should().Be(1);
        result.GetProperty("events_deleted").GetInt64().Should().Be(3);
        result.GetProperty("processed").GetInt64().Should().Be(4);
        var left = await audit.ScalarAsync<string[]>("SELECT array_agg(action ORDER BY action) FROM audit.events WHERE application = 'retained'");
        left.Should().Equal("auth-20d", "auth-debug-10d", "plain-5d");
        (await audit.ScalarAsync<bool>("SELECT to_regclass($1) IS NULL", partition!)).Should().BeTrue("the old partition is dropped, not emptied");
        (await audit.Client("audit:read admin", "admin", service).PostAsync("/audit/retention/run", null)).StatusCode
            .Should().Be(HttpStatusCode.Forbidden, "enforcing retention needs audit:admin");
    }

    private Task<long> CountAsync() => audit.ScalarAsync<long>("SELECT count(*) FROM audit.events WHERE application = 'retained'");
}
