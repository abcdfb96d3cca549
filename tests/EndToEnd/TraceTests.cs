using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Fleet.EndToEnd.Support;

namespace Fleet.EndToEnd;

/// <summary>Telemetry reaches the Aspire dashboard: one request through the gateway is one trace across services.</summary>
[Collection(FleetCollection.Name)]
public sealed class TraceTests(FleetSystem fleet)
{
    [Fact]
    public async Task A_request_through_the_gateway_is_one_trace_with_the_gateway_and_AuthService_spans_in_the_dashboard()
    {
        var traceId = await SendTracedRequestAsync(fleet);

        var services = await ServicesInTraceAsync(fleet, traceId, ["gateway", "auth"]);

        services.Should().Contain(["gateway", "auth"], "the gateway's span and AuthService's span share the caller's trace");
    }

    /// <summary>A discovery request carrying a W3C traceparent of our own, so the trace can be looked up by its id.</summary>
    internal static async Task<string> SendTracedRequestAsync(FleetSystem fleet)
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/auth/.well-known/openid-configuration");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await fleet.Gateway.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return traceId;
    }

    /// <summary>Polls the dashboard's telemetry API until the trace holds spans of every expected service (or a minute passes).</summary>
    internal static async Task<IReadOnlySet<string>> ServicesInTraceAsync(FleetSystem fleet, string traceId, string[] expected)
    {
        using var dashboard = new HttpClient { BaseAddress = fleet.DashboardUrl };
        var services = new HashSet<string>();
        for (var deadline = DateTime.UtcNow.AddMinutes(1); DateTime.UtcNow < deadline && !expected.All(services.Contains);)
        {
            await Task.Delay(500);
            using var response = await dashboard.GetAsync($"/api/telemetry/traces/{traceId}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                services = OtlpJson.ServiceNames(json.RootElement).ToHashSet();
            }
        }
        return services;
    }

    /// <summary>
    /// The names of the trace's spans in the dashboard, once all <paramref name="awaited"/> are there (or a minute passed):
    /// each service exports its spans on its own schedule.
    /// </summary>
    internal static async Task<IReadOnlySet<string>> SpansAsync(FleetSystem fleet, string traceId, params string[] awaited)
    {
        using var dashboard = new HttpClient { BaseAddress = fleet.DashboardUrl };
        var names = new HashSet<string>();
        for (var deadline = DateTime.UtcNow.AddMinutes(1); DateTime.UtcNow < deadline && !awaited.All(names.Contains); await Task.Delay(500))
        {
            using var response = await dashboard.GetAsync($"/api/telemetry/traces/{traceId}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                names = OtlpJson.Spans(json.RootElement).Select(span => span.Name).ToHashSet();
            }
        }
        return names;
    }
}
