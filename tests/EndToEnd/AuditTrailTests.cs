using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.EndToEnd.Support;

namespace Fleet.EndToEnd;

/// <summary>Audit events from two of Fleet's services and from an outside client, through the gateway to queries.</summary>
[Collection(FleetCollection.Name)]
public sealed class AuditTrailTests(FleetSystem fleet)
{
    [Fact]
    public async Task Events_from_AuthService_SchedulerService_and_an_outside_app_with_an_api_key_are_queryable()
    {
        var gateway = fleet.Gateway;
        var startedAt = DateTimeOffset.UtcNow.AddSeconds(-1);
        // AuthService records the admin's login; SchedulerService the run asked for by hand, which AuditService itself does.
        var admin = await fleet.AdminTokenAsync("audit:write audit:read audit:admin jobs:admin admin");
        // (409 while the run each replica's start catches up is going.)
        var status = HttpStatusCode.Conflict;
        for (var attempt = 0; attempt < 50 && status == HttpStatusCode.Conflict; attempt++, await Task.Delay(status == HttpStatusCode.Conflict ? 200 : 0))
        {
            using var run = await SendAsync(HttpMethod.Post, "/jobs/audit-retention/run", admin);
            status = run.StatusCode;
        }
        status.Should().Be(HttpStatusCode.Accepted);

        // An outside app, with an API key its user made for audit:write.
        using var created = await SendAsync(HttpMethod.Post, "/auth/keys", admin, JsonContent.Create(new { name = "billing", scopes = new[] { "audit:write" } }));
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var apiKey = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        var marker = Guid.NewGuid().ToString("N");
        using var submitted = new HttpRequestMessage(HttpMethod.Post, "/audit/events")
        {
            Content = JsonContent.Create(new
            {
                occurred_at = DateTimeOffset.UtcNow.ToString("O"), application = "billing", category = "billing", action = "customer.charged",
                outcome = "success", actor = new { type = "service", id = "invoicer" }, details = new { marker },
            }),
        };
        submitted.Headers.Add("X-Api-Key", apiKey);
        using var accepted = await gateway.SendAsync(submitted);
        accepted.StatusCode.Should().Be(HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());

        var since = Uri.EscapeDataString(startedAt.ToString("O"));
        var login = await FindAsync(admin, $"from={since}&application=auth&action=user.login");
        var requested = await FindAsync(admin, $"from={since}&application=scheduler&action=job.run_requested");
        var charged = await FindAsync(admin, $"from={since}&application=billing&details.marker={marker}");

        login.GetProperty("category").GetString().Should().Be("authentication");
        requested.GetProperty("resource").GetProperty("id").GetString().Should().Be("audit-retention");
        requested.GetProperty("actor").GetProperty("type").GetString().Should().Be("user");
        charged.GetProperty("actor").GetProperty("id").GetString().Should().Be("invoicer");

        // The retention run the scheduler made, with its own token from AuthService, succeeded at AuditService.
        JsonElement last = default;
        for (var attempt = 0; attempt < 100; attempt++, await Task.Delay(200))
        {
            using var runs = await SendAsync(HttpMethod.Get, "/jobs/audit-retention/runs", admin);
            last = (await runs.Content.ReadFromJsonAsync<JsonElement>())[0];
            if (last.GetProperty("outcome").GetString() != "running")
            {
                break;
            }
        }
        last.GetProperty("outcome").GetString().Should().Be("succeeded", last.ToString());
    }

    [Fact]
    public async Task An_events_trace_runs_from_the_service_that_recorded_it_or_the_gateway_through_the_queue_to_its_storage()
    {
        var admin = await fleet.AdminTokenAsync("audit:write jobs:admin");
        // Recorded by SchedulerService's AuditLog while it answers a run asked for by hand (202, or 409 while one runs).
        var recorded = ActivityTraceId.CreateRandom().ToHexString();
        using (var run = await SendAsync(HttpMethod.Post, "/jobs/provider-events/run", admin, traceId: recorded))
        {
            ((int)run.StatusCode).Should().BeOneOf(202, 409);
        }
        // Sent from outside through the gateway.
        var submitted = ActivityTraceId.CreateRandom().ToHexString();
        using (var sent = await SendAsync(HttpMethod.Post, "/audit/events", admin, JsonContent.Create(new
        {
            occurred_at = DateTimeOffset.UtcNow.ToString("O"), application = "billing", category = "billing", action = "customer.charged",
            outcome = "success", actor = new { type = "service", id = "invoicer" },
        }), submitted))
        {
            sent.StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        (await TraceTests.SpansAsync(fleet, recorded, "audit publish", "store audit events")).Should().Contain(["audit publish", "store audit events"]);
        (await TraceTests.SpansAsync(fleet, submitted, "store audit events")).Should().Contain("store audit events");
        (await TraceTests.ServicesInTraceAsync(fleet, submitted, ["gateway", "audit"])).Should().Contain(["gateway", "audit"]);
    }

    [Fact]
    public async Task A_full_batch_with_the_largest_details_the_format_allows_passes_the_gateway()
    {
        var token = await fleet.AdminTokenAsync("audit:write");
        var details = new { text = new string('x', 16 * 1024 - 20) };
        var batch = Enumerable.Range(0, 1_000).Select(i => new
        {
            occurred_at = DateTimeOffset.UtcNow.ToString("O"), application = "bulky", category = "test", action = "big.event",
            outcome = "success", actor = new { type = "service", id = "bulk" }, details,
        });

        using var response = await SendAsync(HttpMethod.Post, "/audit/events", token, JsonContent.Create(batch));

        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }


    private async Task<JsonElement> FindAsync(string token, string query)
    {
        for (var attempt = 0; attempt < 100; attempt++, await Task.Delay(200))
        {
            using var response = await SendAsync(HttpMethod.Get, $"/audit/events?{query}", token);
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            var events = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("events");
            if (events.GetArrayLength() > 0)
            {
                return events[0];
            }
        }
        throw new Xunit.Sdk.XunitException($"no audit event for {query}");
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, HttpContent? content = null, string? traceId = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (traceId is not null)
        {
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        }
        return fleet.Gateway.SendAsync(request);
    }
}
