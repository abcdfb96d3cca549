using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.EndToEnd.Support;

namespace Fleet.EndToEnd;

/// <summary>The provider-events catalogue: the job fetches the stand-in's feed, and anyone searches it through the gateway.</summary>
[Collection(FleetCollection.Name)]
public sealed class EventsSearchTests(FleetSystem fleet)
{
    [Fact]
    public async Task Anyone_finds_the_providers_plans_through_the_gateway_once_the_job_has_fetched_them()
    {
        JsonElement events = default;
        for (var deadline = DateTime.UtcNow.AddMinutes(2); DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            // No token: the search is public.
            using var response = await fleet.Gateway.GetAsync("/search?starts_at=2027-01-01T00:00:00&ends_at=2027-12-31T23:59:59");
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            events = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("events");
            if (events.GetArrayLength() > 0)
            {
                break;
            }
        }

        events.EnumerateArray().Select(e => e.GetProperty("title").GetString()).Should().Contain("Jazz at the harbour")
            .And.NotContain("Private gala", "a plan never on sale online is not catalogued");
        using var bad = await fleet.Gateway.GetAsync("/events/search?starts_at=soon&ends_at=2027-12-31T23:59:59");
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        error.GetProperty("code").GetString().Should().Be("400");
        error.GetProperty("message").GetString().Should().StartWith("starts_at");
    }

    [Fact]
    public async Task A_job_run_that_changed_the_catalogue_is_one_trace_from_the_fetch_to_the_cache_invalidation()
    {
        using var dashboard = new HttpClient { BaseAddress = fleet.DashboardUrl };
        string[] expected = ["job provider-events", "GET", "parse provider document", "apply to catalogue", "invalidate search cache"];
        List<string> names = [];
        for (var deadline = DateTime.UtcNow.AddMinutes(2); DateTime.UtcNow < deadline && !expected.All(names.Contains); await Task.Delay(1000))
        {
            using var response = await dashboard.GetAsync("/api/telemetry/traces?limit=2000");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                continue;
            }
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            // Spans by trace; the trace of a run whose cache invalidation was recorded.
            var traces = OtlpJson.Spans(json.RootElement).GroupBy(span => span.TraceId).Select(trace => trace.Select(span => span.Name).ToList());
            names = traces.FirstOrDefault(trace => trace.Contains("invalidate search cache")) ?? [];
        }

        names.Should().Contain(expected);
        names.Should().Contain(name => name.Contains("COPY"), "the document's plans are copied in: {0}", string.Join(", ", names));
    }
}
