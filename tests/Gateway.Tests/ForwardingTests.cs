using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fleet.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Fleet.Gateway.Tests;

public sealed class ForwardingTests
{
    /// <summary>Answers with what it received, with a Content-Length so raw-socket tests can read it simply.</summary>
    private static Task<TestBackend> StartEchoBackendAsync(string name = "echo") => TestBackend.StartAsync(app =>
        app.Map("/{**path}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var echo = new Echo(
                name,
                context.Request.Method,
                context.Features.Get<IHttpRequestFeature>()!.RawTarget,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                await reader.ReadToEndAsync());
            var bytes = JsonSerializer.SerializeToUtf8Bytes(echo);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes);
        }));

    private static Dictionary<string, string> ReceivedHeaders(Echo echo) => new(echo.Headers, StringComparer.OrdinalIgnoreCase);

    public sealed record Echo(string Backend, string Method, string Target, Dictionary<string, string> Headers, string Body);

    [Fact]
    public async Task Forwards_method_path_query_and_body_unchanged()
    {
        await using var backend = await StartEchoBackendAsync();
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["ingest"] = [backend.Url] });

        var response = await gateway.Client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, "/rides/a%20b/c?x=1&y=%2F&flag")
        {
            Content = new StringContent("""{"speed":42}""", Encoding.UTF8, "application/json"),
        });

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        var echo = (await response.Content.ReadFromJsonAsync<Echo>())!;
        echo.Method.Should().Be("PATCH");
        echo.Target.Should().Be("/rides/a%20b/c?x=1&y=%2F&flag");
        echo.Body.Should().Be("""{"speed":42}""");
        ReceivedHeaders(echo)["Content-Type"].Should().Be("application/json; charset=utf-8");
    }

    [Theory]
    [InlineData("/search?q=storm", "scheduler")]
    [InlineData("/events/search?starts_at=2027-01-01T00:00:00&ends_at=2027-02-01T00:00:00", "scheduler")]
    [InlineData("/jobs", "scheduler")]
    [InlineData("/auth/token", "auth")]
    [InlineData("/rides/1", "ingest")]
    [InlineData("/files/9/content", "files")]
    [InlineData("/audit/events", "audit")]
    public async Task Routes_each_prefix_to_its_service(string path, string service)
    {
        var names = new[] { "auth", "ingest", "files", "audit", "scheduler" };
        var backends = new List<TestBackend>();
        try
        {
            foreach (var name in names)
            {
                backends.Add(await StartEchoBackendAsync(name));
            }

            await using var gateway = GatewayApp.Start(names.Zip(backends).ToDictionary(p => p.First, p => new[] { p.Second.Url }));

            var echo = await gateway.Client.GetFromJsonAsync<Echo>(path);

            echo!.Backend.Should().Be(service);
            echo.Target.Should().Be(path);
        }
        finally
        {
            foreach (var backend in backends)
            {
                await backend.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Unrouted_path_is_not_forwarded()
    {
        await using var backend = await StartEchoBackendAsync();
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["ingest"] = [backend.Url] });

        var response = await gateway.Client.GetAsync("/ridesharing/1");

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Strips_hop_by_hop_request_headers_including_those_named_by_Connection()
    {
        await using var backend = await StartEchoBackendAsync();
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["ingest"] = [backend.Url] });

        var response = await RawHttp.SendAsync(gateway.Address,
            "GET /rides/echo HTTP/1.1\r\n" +
            $"Host: {gateway.Address.Authority}\r\n" +
            // Kestrel rewrites a Connection header holding keep-alive or close to just that token, so
            // the gateway can only honour the caller's own tokens when they stand alone like this.
            "Connection: X-Hop-Custom\r\n" +
            "X-Hop-Custom: secret\r\n" +
            "Keep-Alive: timeout=5\r\n" +
            "Proxy-Connection: keep-alive\r\n" +
            "TE: trailers\r\n" +
            "Trailer: X-Checksum\r\n" +
            "Upgrade: example/1\r\n" +
            "Proxy-Authorization: Basic Zm9vOmJhcg==\r\n" +
            "X-End-To-End: kept\r\n" +
            "\r\n");

        response.Status.Should().Be(200);
        var received = ReceivedHeaders(JsonSerializer.Deserialize<Echo>(response.Body)!);
        received.Should().ContainKey("X-End-To-End").WhoseValue.Should().Be("kept");
        received.Keys.Should().NotContain(["X-Hop-Custom", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade", "Proxy-Authorization"]);
        // The gateway's own connection to the backend may carry a Connection header, but never the caller's tokens.
        received.GetValueOrDefault("Connection", "").Should().NotContain("X-Hop-Custom");
    }

    [Fact]
    public async Task Strips_hop_by_hop_response_headers_including_those_named_by_Connection()
    {
        await using var backend = new RawHttpBackend(
            "HTTP/1.1 200 OK\r\n" +
            "Content-Type: text/plain\r\n" +
            "Content-Length: 2\r\n" +
            "Connection: close, X-Backend-Hop\r\n" +
            "X-Backend-Hop: secret\r\n" +
            "Keep-Alive: timeout=5\r\n" +
            "Proxy-Connection: keep-alive\r\n" +
            "Proxy-Authenticate: Basic realm=\"fleet\"\r\n" +
            "Trailer: X-Checksum\r\n" +
            "Upgrade: example/1\r\n" +
            "X-End-To-End: kept\r\n" +
            "\r\n" +
            "ok");
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["ingest"] = [backend.Url] });

        var response = await RawHttp.SendAsync(gateway.Address,
            $"GET /rides/raw HTTP/1.1\r\nHost: {gateway.Address.Authority}\r\nConnection: close\r\n\r\n");

        response.Status.Should().Be(200);
        response.Body.Should().Be("ok");
        response.Get("X-End-To-End").Should().Be("kept");
        response.Get("Content-Type").Should().Be("text/plain");
        foreach (var hopByHop in new[] { "X-Backend-Hop", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Trailer", "Upgrade" })
        {
            response.Has(hopByHop).Should().BeFalse($"{hopByHop} is hop-by-hop");
        }

        response.Get("Connection").Should().NotContain("X-Backend-Hop");
    }

    [Fact]
    public async Task Appends_X_Forwarded_headers_and_adds_a_request_id()
    {
        await using var backend = await StartEchoBackendAsync();
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["ingest"] = [backend.Url] });

        var request = new HttpRequestMessage(HttpMethod.Get, "/rides/1");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        var response = await gateway.Client.SendAsync(request);

        var echo = ReceivedHeaders((await response.Content.ReadFromJsonAsync<Echo>())!);
        echo["X-Forwarded-For"].Should().Be("203.0.113.7, 127.0.0.1");
        echo["X-Forwarded-Proto"].Should().Be("http");
        echo["X-Forwarded-Host"].Should().Be(gateway.Address.Authority);
        var requestId = echo["X-Request-Id"];
        requestId.Should().MatchRegex("^[0-9a-f]{32}$");
        response.Headers.GetValues("X-Request-Id").Should().Equal(requestId);
    }

    [Fact]
    public async Task Keeps_the_callers_request_id_and_returns_it()
    {
        await using var backend = await StartEchoBackendAsync();
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["ingest"] = [backend.Url] });

        var request = new HttpRequestMessage(HttpMethod.Get, "/rides/1");
        request.Headers.Add("X-Request-Id", "caller-chosen-42");
        var response = await gateway.Client.SendAsync(request);

        var echo = ReceivedHeaders((await response.Content.ReadFromJsonAsync<Echo>())!);
        echo["X-Request-Id"].Should().Be("caller-chosen-42");
        response.Headers.GetValues("X-Request-Id").Should().Equal("caller-chosen-42");
    }

    [Fact]
    public async Task The_caller_gets_the_gateways_request_id_not_one_the_service_made_up()
    {
        await using var backend = await TestBackend.StartAsync(app => app.MapGet("/rides/{id}", (HttpContext context) =>
        {
            context.Response.Headers["X-Request-Id"] = "made-up-by-the-service";
            return "ride";
        }));
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["ingest"] = [backend.Url] });

        var request = new HttpRequestMessage(HttpMethod.Get, "/rides/1");
        request.Headers.Add("X-Request-Id", "caller-chosen-7");
        var response = await gateway.Client.SendAsync(request);

        response.Headers.GetValues("X-Request-Id").Should().Equal("caller-chosen-7");
    }

    [Fact]
    public async Task Passes_backend_error_responses_through_unchanged()
    {
        await using var backend = await TestBackend.StartAsync(app =>
            app.MapGet("/rides/{id}", (string id) => Results.NotFound()));
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["ingest"] = [backend.Url] });

        var response = await gateway.Client.GetAsync("/rides/404");

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).Should().BeEmpty("the gateway must not dress up the service's own answer");
    }
}
