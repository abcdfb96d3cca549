using System.Text.Json;
using Fleet.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fleet.Gateway.Tests;

/// <summary>
/// The gateway routes on the path as Kestrel decoded it once; a service decodes what it receives again.
/// A path that still holds an encoded '.', '/' or '\' would mean one thing to the gateway's routes and
/// another to the service (/auth/%252e%252e/health reached AuthService's own /health), so it is refused.
/// </summary>
public sealed class PathTests
{
    [Theory]
    [InlineData("/auth/%252e%252e/health")]
    [InlineData("/rides/%252e%252e/openapi/v1.json")]
    [InlineData("/rides/%252E%252E/openapi/v1.json")]
    [InlineData("/rides/x%252f..%252fhealth")]
    [InlineData("/rides/x%255c..%255chealth")]
    [InlineData("/rides/a%2Fb")]
    public async Task A_path_still_holding_an_encoded_dot_or_slash_after_decoding_is_a_400_problem_and_not_forwarded(string path)
    {
        var calls = 0;
        await using var backend = await TestBackend.StartAsync(app => app.Map("/{**rest}", () =>
        {
            Interlocked.Increment(ref calls);
            return "reached";
        }));
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["auth"] = [backend.Url], ["ingest"] = [backend.Url] });

        // A raw request: HttpClient's Uri would unescape and normalise some of these paths itself.
        var response = await RawHttp.SendAsync(gateway.Address,
            $"GET {path} HTTP/1.1\r\nHost: {gateway.Address.Authority}\r\nConnection: close\r\n\r\n");

        response.Status.Should().Be(400);
        response.Get("Content-Type").Should().StartWith("application/problem+json");
        using var problem = JsonDocument.Parse(response.Body);
        problem.RootElement.GetProperty("status").GetInt32().Should().Be(400);
        Volatile.Read(ref calls).Should().Be(0);
    }

    [Fact]
    public async Task Encoded_characters_that_are_not_separators_still_pass()
    {
        string? received = null;
        await using var backend = await TestBackend.StartAsync(app => app.Map("/rides/{**rest}", (HttpContext context) =>
        {
            received = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget;
            return "reached";
        }));
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["ingest"] = [backend.Url] });

        var response = await RawHttp.SendAsync(gateway.Address,
            $"GET /rides/100%25%20sure HTTP/1.1\r\nHost: {gateway.Address.Authority}\r\nConnection: close\r\n\r\n");

        response.Status.Should().Be(200);
        received.Should().Be("/rides/100%25%20sure");
    }
}
