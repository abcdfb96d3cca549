using System.Net;
using System.Text;
using Fleet.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fleet.Gateway.Tests;

/// <summary>
/// Bodies flow through the gateway as they are produced. Each test makes one side wait for proof
/// that the other side already received the first part: a buffering gateway would deadlock them.
/// </summary>
public sealed class StreamingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Response_body_reaches_the_caller_before_the_backend_has_finished_it()
    {
        var callerGotFirstPart = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await TestBackend.StartAsync(app => app.MapGet("/rides/live", async (HttpContext context) =>
        {
            await context.Response.WriteAsync("first;");
            await context.Response.Body.FlushAsync();
            await callerGotFirstPart.Task.WaitAsync(Patience);
            await context.Response.WriteAsync("second");
        }));
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["ingest"] = [backend.Url] });

        using var timeout = new CancellationTokenSource(Patience);
        using var response = await gateway.Client.GetAsync("/rides/live", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        var received = new StringBuilder();
        var buffer = new byte[64];
        while (!received.ToString().Contains("first;"))
        {
            var read = await body.ReadAsync(buffer, timeout.Token);
            read.Should().BeGreaterThan(0, "the body must not end before the first part");
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        callerGotFirstPart.SetResult();
        received.Append(await new StreamReader(body).ReadToEndAsync(timeout.Token));
        received.ToString().Should().Be("first;second");
    }

    [Fact]
    public async Task Request_body_reaches_the_backend_before_the_caller_has_finished_it()
    {
        var backendGotFirstPart = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await TestBackend.StartAsync(app => app.MapPost("/rides/upload", async (HttpContext context) =>
        {
            var received = new StringBuilder();
            var buffer = new byte[64];
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
            {
                received.Append(Encoding.UTF8.GetString(buffer, 0, read));
                if (received.ToString().Contains("first;"))
                {
                    backendGotFirstPart.TrySetResult();
                }
            }

            return received.ToString();
        }));
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["ingest"] = [backend.Url] });

        var response = await gateway.Client.PostAsync("/rides/upload", new TwoPartContent("first;", backendGotFirstPart.Task, "second"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("first;second");
    }

    [Fact]
    public async Task A_1_GiB_response_passes_through_without_the_heap_growing_with_it()
    {
        const int chunkSize = 64 * 1024;
        const long size = 1L << 30;
        await using var backend = await TestBackend.StartAsync(app => app.MapGet("/rides/export", async (HttpContext context) =>
        {
            var chunk = new byte[chunkSize];
            Array.Fill(chunk, (byte)'r');
            context.Response.ContentLength = size;
            for (long sent = 0; sent < size; sent += chunkSize)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        }));
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["ingest"] = [backend.Url] });

        using var response = await gateway.Client.GetAsync("/rides/export", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[chunkSize];
        long total = 0;
        long largestHeap = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
            if (total % (32 * chunkSize) < read)
            {
                largestHeap = Math.Max(largestHeap, GC.GetTotalMemory(forceFullCollection: false));
            }
        }

        total.Should().Be(size);
        // Gateway, backend and client share this process: the whole heap stays a small fraction of the body.
        largestHeap.Should().BeLessThan(256L << 20);
    }

    [Fact]
    public async Task A_large_upload_is_not_cut_off_by_the_gateways_own_request_size_limit()
    {
        const long size = 64L << 20; // above Kestrel's default 30 MB limit
        await using var backend = await TestBackend.StartAsync(app => app.MapPut("/files/blob", async (HttpContext context) =>
        {
            context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = null;
            var buffer = new byte[64 * 1024];
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            return total;
        }));
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["files"] = [backend.Url] });

        var response = await gateway.Client.PutAsync("/files/blob", new ByteArrayContent(new byte[size]));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be(size.ToString());
    }

    /// <summary>Sends its first part, then waits for a signal before sending the second (chunked, no length).</summary>
    private sealed class TwoPartContent(string first, Task proceed, string second) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(first));
            await stream.FlushAsync();
            await proceed.WaitAsync(Patience);
            await stream.WriteAsync(Encoding.UTF8.GetBytes(second));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
