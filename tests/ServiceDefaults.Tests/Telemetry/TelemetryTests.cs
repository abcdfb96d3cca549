using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Fleet.ServiceDefaultsTests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Fleet.ServiceDefaultsTests.Telemetry;

// Alone: every TracerProvider in the process is asked about every activity, and one that samples records it for all,
// so another test's app would trace this one's requests past its rate.
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests
{
    [Fact]
    public async Task The_exported_server_span_continues_the_incoming_traceparent()
    {
        await using var collector = await OtlpCollector.StartAsync();
        await using var app = await StartAppAsync(collector, $"sd-test-{Guid.NewGuid():N}");
        var traceId = ActivityTraceId.CreateRandom();
        var parentSpanId = ActivitySpanId.CreateRandom();

        var request = new HttpRequestMessage(HttpMethod.Get, "/items/5");
        request.Headers.Add("traceparent", $"00-{traceId}-{parentSpanId}-01");
        (await app.GetTestClient().SendAsync(request)).EnsureSuccessStatusCode();
        await FlushUntilAsync(app, () => collector.Bodies("/v1/traces").Any(body => Contains(body, traceId)));

        // OTLP carries ids as raw bytes: the span of this trace names the caller's span as its parent.
        collector.Bodies("/v1/traces").Should().Contain(body => Contains(body, traceId)
            && Contains(body, parentSpanId)
            && Contains(body, "GET /items/{id}"));
    }

    [Fact]
    public async Task Nothing_is_exported_without_an_endpoint()
    {
        await using var collector = await OtlpCollector.StartAsync();
        var builder = TestApp.CreateBuilder();
        builder.AddServiceDefaults();
        await using var app = builder.Build();
        app.MapGet("/items/{id}", (int id) => id);
        await app.StartAsync();

        (await app.GetTestClient().GetAsync("/items/5")).EnsureSuccessStatusCode();

        app.Services.GetService<TracerProvider>().Should().NotBeNull("requests still get a trace id");
        app.Services.GetRequiredService<TracerProvider>().ForceFlush();
        collector.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Traces_metrics_and_logs_are_exported_over_otlp_http_protobuf_when_an_endpoint_is_set()
    {
        await using var collector = await OtlpCollector.StartAsync();
        var serviceName = $"sd-test-{Guid.NewGuid():N}";
        await using var app = await StartAppAsync(collector, serviceName);
        var client = app.GetTestClient();

        var itemsTrace = ActivityTraceId.CreateRandom();
        var healthTrace = ActivityTraceId.CreateRandom();
        await SendAsync(client, "/items/5", itemsTrace);
        await SendAsync(client, "/health", healthTrace);

        // The test server answers the client before the server span ends: flush until the span has gone out.
        await FlushUntilAsync(app, () => collector.Bodies("/v1/traces").Any(body => Contains(body, serviceName) && Contains(body, itemsTrace)));
        app.Services.GetRequiredService<MeterProvider>().ForceFlush().Should().BeTrue();
        app.Services.GetRequiredService<LoggerProvider>().ForceFlush().Should().BeTrue();

        collector.Requests.Should().OnlyContain(r => r.ContentType == "application/x-protobuf");

        var traces = collector.Bodies("/v1/traces").Where(body => Contains(body, serviceName)).ToList();
        traces.Should().Contain(body => Contains(body, itemsTrace)
            && Contains(body, "GET /items/{id}")
            && Contains(body, "http.route")
            && Contains(body, "http.response.status_code"));
        traces.Should().NotContain(body => Contains(body, healthTrace), "health probes are not traced");

        collector.Bodies("/v1/metrics").Should().Contain(body => Contains(body, serviceName) && Contains(body, "http.server.request.duration"));
        collector.Bodies("/v1/logs").Should().Contain(body => Contains(body, serviceName) && Contains(body, "Serving item 5"));
    }

    [Fact]
    public async Task A_failed_export_is_left_to_the_exporter_and_not_retried_by_the_http_resilience_handler()
    {
        await using var collector = await OtlpCollector.StartAsync();
        await using var app = await StartAppAsync(collector, $"sd-test-{Guid.NewGuid():N}");
        collector.RefuseNext(1);
        await SendAsync(app.GetTestClient(), "/items/5", ActivityTraceId.CreateRandom());

        // The server span ends just after the answer: flush until the one export has been tried.
        await FlushUntilAsync(app, () => collector.Refused > 0);

        // With the handler every other client gets, the refused export would be sent again at once, and at a stop the
        // last export would meet a pipeline already disposed and be retried until its timeout, holding the stop for seconds.
        collector.Refused.Should().Be(1);
        collector.Bodies("/v1/traces").Should().BeEmpty("the exporter itself retries only when told to (the AppHost tells it)");
    }

    [Fact]
    public async Task New_traces_are_exported_up_to_the_configured_rate_and_a_callers_sampled_trace_always()
    {
        await using var collector = await OtlpCollector.StartAsync();
        // As the AppHost starts a service: Aspire asks for every trace, and the configured rate holds over it.
        await using var app = await StartAppAsync(collector, $"sd-test-{Guid.NewGuid():N}",
            new("OTEL_TRACES_SAMPLER", "always_on"), new("Telemetry:TracesPerSecond", "2"));
        var client = app.GetTestClient();

        var sent = Stopwatch.StartNew();
        for (var i = 0; i < 40; i++)
        {
            (await client.GetAsync("/items/5")).EnsureSuccessStatusCode();
        }
        var elapsed = sent.Elapsed;
        var callersTrace = ActivityTraceId.CreateRandom();
        await SendAsync(client, "/items/6", callersTrace);
        await FlushUntilAsync(app, () => collector.Bodies("/v1/traces").Any(body => Contains(body, callersTrace)));

        // A full bucket (2), then 2 a second while the requests went on; the caller's trace on top.
        var exported = collector.Bodies("/v1/traces").Sum(body => Count(body, "GET /items/{id}"));
        exported.Should().BeInRange(2, 2 + (int)Math.Ceiling(elapsed.TotalSeconds * 2) + 1);
        exported.Should().BeLessThan(40);
    }

    private static async Task<WebApplication> StartAppAsync(OtlpCollector collector, string serviceName,
        params KeyValuePair<string, string?>[] settings)
    {
        var builder = TestApp.CreateBuilder([
            new("OTEL_EXPORTER_OTLP_ENDPOINT", collector.Url),
            new("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            new("OTEL_SERVICE_NAME", serviceName),
            new("Logging:OpenTelemetry:LogLevel:Default", "Information"),
            .. settings,
        ]);
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapGet("/items/{id}", (int id, ILogger<TelemetryTests> logger) =>
        {
            logger.LogInformation("Serving item {ItemId}", id);
            return id;
        });
        app.MapDefaultEndpoints();
        await app.StartAsync();
        return app;
    }

    /// <summary>The test server answers the client before the server span ends: flush until the span has gone out.</summary>
    private static async Task FlushUntilAsync(WebApplication app, Func<bool> exported)
    {
        for (var attempt = 0; attempt < 50 && !exported(); attempt++)
        {
            app.Services.GetRequiredService<TracerProvider>().ForceFlush().Should().BeTrue();
            if (!exported())
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task SendAsync(HttpClient client, string path, ActivityTraceId traceId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        (await client.SendAsync(request)).EnsureSuccessStatusCode();
    }

    private static int Count(byte[] body, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        var count = 0;
        for (var rest = body.AsSpan(); rest.IndexOf(needle) is var at and >= 0; rest = rest[(at + needle.Length)..])
        {
            count++;
        }
        return count;
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    private static bool Contains(byte[] body, ActivityTraceId traceId) =>
        body.AsSpan().IndexOf(Convert.FromHexString(traceId.ToHexString())) >= 0;

    private static bool Contains(byte[] body, ActivitySpanId spanId) =>
        body.AsSpan().IndexOf(Convert.FromHexString(spanId.ToHexString())) >= 0;

    /// <summary>Accepts OTLP/HTTP exports on a real port and keeps the raw requests.</summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _toRefuse;
        private int _refused;

        private OtlpCollector(WebApplication app) => _app = app;

        public ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> Requests { get; } = new();

        public string Url => _app.Urls.First();

        public IEnumerable<byte[]> Bodies(string path) => Requests.Where(r => r.Path == path).Select(r => r.Body);

        /// <summary>How many exports were answered 503.</summary>
        public int Refused => Volatile.Read(ref _refused);

        /// <summary>Answers the next <paramref name="count"/> exports with 503, as a collector that is restarting would.</summary>
        public void RefuseNext(int count) => Volatile.Write(ref _toRefuse, count);

        public static async Task<OtlpCollector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var collector = new OtlpCollector(app);
            app.MapPost("/v1/{signal}", async (HttpRequest request) =>
            {
                if (request.Path == "/v1/traces" && Interlocked.Decrement(ref collector._toRefuse) >= 0)
                {
                    Interlocked.Increment(ref collector._refused);
                    return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
                }
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                collector.Requests.Enqueue((request.Path, request.ContentType, body.ToArray()));
                return Results.Ok();
            });
            await app.StartAsync();
            return collector;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry, alone";
}
