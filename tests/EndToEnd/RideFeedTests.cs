using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.EndToEnd.Support;

namespace Fleet.EndToEnd;

/// <summary>The XRides feed through the gateway, on the AppHost's two IngestService replicas.</summary>
[Collection(FleetCollection.Name)]
public sealed class RideFeedTests(FleetSystem fleet)
{
    [Fact]
    public async Task A_ride_sent_through_the_gateway_is_one_trace_from_the_gateway_through_the_queue_to_the_copy()
    {
        var token = await fleet.ClientTokenAsync("xrides", "rides:write rides:read");
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var id = Random.Shared.NextInt64(1_000_000_000, 2_000_000_000);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/rides")
        {
            Content = JsonContent.Create(new Dictionary<string, object?>
            {
                ["id"] = id, ["user_id"] = 1, ["vehicle_model_id"] = 12, ["travel_type_id"] = 2,
                ["from_date"] = "2013-03-14T08:30:00", ["booking_created"] = "2013-03-14T07:55:00",
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        using var accepted = await fleet.Gateway.SendAsync(request);

        accepted.StatusCode.Should().Be(HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());
        var spans = await SpansInTraceAsync(traceId, ["gateway", "ingest"], "store rides", "COPY");
        spans.Services.Should().Contain(["gateway", "ingest"]);
        spans.Names.Should().Contain("store rides", "the consumer's write continues the request's trace through the message");
        spans.Names.Should().Contain(name => name.Contains("COPY"), "the binary COPY is a span of that write: {0}", string.Join(", ", spans.Names));
    }

    private async Task<(IReadOnlySet<string> Services, IReadOnlySet<string> Names)> SpansInTraceAsync(string traceId, string[] services, params string[] names)
    {
        using var dashboard = new HttpClient { BaseAddress = fleet.DashboardUrl };
        (HashSet<string> Services, HashSet<string> Names) found = ([], []);
        for (var deadline = DateTime.UtcNow.AddMinutes(1); DateTime.UtcNow < deadline;)
        {
            await Task.Delay(500);
            using var response = await dashboard.GetAsync($"/api/telemetry/traces/{traceId}");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                continue;
            }
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            found = ([.. OtlpJson.ServiceNames(json.RootElement)], [.. OtlpJson.Spans(json.RootElement).Select(span => span.Name)]);
            if (services.All(found.Services.Contains) && names.All(n => found.Names.Any(name => name.Contains(n))))
            {
                break;
            }
        }
        return found;
    }
}
