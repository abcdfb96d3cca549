using System.Runtime.CompilerServices;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Fleet.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fleet.Gateway.Tests;

/// <summary>
/// A body over the route's limit (its MaxRequestBodySize, else the gateway's 10 MB) is answered 413 by the
/// gateway itself, as a problem: never a 502 from a service that hung up on it.
/// </summary>
public sealed class BodyLimitTests
{
    private const long DefaultLimit = 10L << 20;

    private static Task<TestBackend> StartCountingBackendAsync(StrongBox<int> calls) => TestBackend.StartAsync(app =>
        app.Map("/{**rest}", async (HttpContext context) =>
        {
            Interlocked.Increment(ref calls.Value);
            context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = null;
            await context.Request.Body.CopyToAsync(Stream.Null);
            return "stored";
        }));

    private static void AssertTooLarge(RawResponse response)
    {
        response.Status.Should().Be(413);
        response.Get("Content-Type").Should().StartWith("application/problem+json");
        using var problem = JsonDocument.Parse(response.Body);
        problem.RootElement.GetProperty("status").GetInt32().Should().Be(413);
    }

    [Fact]
    public async Task An_announced_body_over_the_default_limit_is_a_413_problem_and_never_reaches_the_service()
    {
        var calls = new StrongBox<int>();
        await using var backend = await StartCountingBackendAsync(calls);
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["auth"] = [backend.Url] });

        // Only the head and a little of the body: the gateway must answer without waiting for the rest.
        var response = await RawHttp.SendAsync(gateway.Address,
            "POST /auth/register HTTP/1.1\r\n" +
            $"Host: {gateway.Address.Authority}\r\n" +
            "Content-Type: application/json\r\n" +
            $"Content-Length: {DefaultLimit + 1}\r\n" +
            "\r\n" +
            "{\"name\":\"");

        AssertTooLarge(response);
        calls.Value.Should().Be(0);
    }

    [Fact]
    public async Task A_chunked_body_that_grows_over_the_limit_is_a_413_problem()
    {
        var calls = new StrongBox<int>();
        await using var backend = await StartCountingBackendAsync(calls);
        await using var gateway = GatewayApp.Start(
            new Dictionary<string, string[]> { ["ingest"] = [backend.Url] },
            new Dictionary<string, string?> { ["ReverseProxy:Routes:rides:MaxRequestBodySize"] = "65536" });

        using var client = new TcpClient();
        await client.ConnectAsync(gateway.Address.Host, gateway.Address.Port);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var sending = SendChunkedAsync(stream, $"POST /rides/bulk HTTP/1.1\r\nHost: {gateway.Address.Authority}\r\nTransfer-Encoding: chunked\r\n\r\n", chunks: 64, timeout.Token);

        var response = await RawHttp.ReadResponseAsync(stream, timeout.Token);
        await sending;

        AssertTooLarge(response);
    }

    [Fact]
    public async Task A_route_can_allow_more_or_less_than_the_default()
    {
        var calls = new StrongBox<int>();
        await using var backend = await StartCountingBackendAsync(calls);
        await using var gateway = GatewayApp.Start(
            new Dictionary<string, string[]> { ["ingest"] = [backend.Url] },
            new Dictionary<string, string?> { ["ReverseProxy:Routes:rides:MaxRequestBodySize"] = "1024" });

        (await gateway.Client.PostAsync("/rides/small", new ByteArrayContent(new byte[1024]))).StatusCode.Should().Be(HttpStatusCode.OK);
        var tooLarge = new HttpRequestMessage(HttpMethod.Post, "/rides/large") { Content = new ByteArrayContent(new byte[1025]) };
        tooLarge.Headers.ExpectContinue = true; // lets the client hear the 413 before it sends the body
        var response = await gateway.Client.SendAsync(tooLarge);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        calls.Value.Should().Be(1);
    }

    /// <summary>Writes 1 KiB chunks until told to stop or the gateway closes the connection.</summary>
    private static async Task SendChunkedAsync(NetworkStream stream, string head, int chunks, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
            var chunk = Encoding.ASCII.GetBytes("400\r\n" + new string('x', 1024) + "\r\n");
            for (var i = 0; i < chunks * 2; i++)
            {
                await stream.WriteAsync(chunk, cancellationToken);
            }
        }
        catch (IOException)
        {
            // The gateway answered and closed the connection before the body was over: as it should.
        }
    }
}
