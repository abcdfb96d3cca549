using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Fleet.EndToEnd.Support;

namespace Fleet.EndToEnd;

/// <summary>Files through the gateway, as large as the route allows.</summary>
[Collection(FleetCollection.Name)]
public sealed class FileUploadTests(FleetSystem fleet)
{
    private const long OneGiB = 1L << 30;

    [Fact]
    public async Task A_1_GiB_upload_streams_through_the_gateway_with_FileService_memory_bounded_and_comes_back_whole()
    {
        var token = await fleet.AdminTokenAsync("files:read files:write");
        using var client = new HttpClient { BaseAddress = fleet.GatewayUrl, Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var service = fleet.ServiceProcessOf("files", "Fleet.FileService");
        var content = new GeneratedStream(OneGiB);

        using var upload = new StreamContent(content, 1 << 20);
        upload.Headers.ContentLength = OneGiB;
        using var response = await client.PostAsync("/files?name=one-gib.bin", upload);

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var file = await response.Content.ReadFromJsonAsync<JsonElement>();
        file.GetProperty("size").GetInt64().Should().Be(OneGiB);
        file.GetProperty("sha256").GetString().Should().Be(content.Sha256());
        PeakResidentMegabytes(service).Should().BeLessThan(512, "the file is streamed to disk, never held in memory");

        var id = file.GetProperty("id").GetGuid();
        using var tail = new HttpRequestMessage(HttpMethod.Get, $"/files/{id}/content");
        tail.Headers.Range = new RangeHeaderValue(OneGiB - 4096, null);
        using var end = await client.SendAsync(tail);
        end.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        (await end.Content.ReadAsByteArrayAsync()).Should().Equal(GeneratedStream.Bytes(OneGiB - 4096, 4096));
        (await client.DeleteAsync($"/files/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task An_upload_its_announcement_and_its_scan_are_one_trace_and_the_file_is_labelled()
    {
        var token = await fleet.AdminTokenAsync("files:read files:write");
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/files?name=keys.txt")
        {
            Content = new StringContent("deploy key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        using var response = await fleet.Gateway.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        JsonElement scan = default;
        for (var attempt = 0; attempt < 100; attempt++, await Task.Delay(200))
        {
            using var read = new HttpRequestMessage(HttpMethod.Get, $"/files/{id}/scan");
            read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var answer = await fleet.Gateway.SendAsync(read);
            scan = await answer.Content.ReadFromJsonAsync<JsonElement>();
            if (scan.GetProperty("status").GetString() != "pending")
            {
                break;
            }
        }
        scan.GetProperty("level").GetString().Should().Be("restricted");
        (await TraceTests.SpansAsync(fleet, traceId, "publish files.uploaded", "scan file"))
            .Should().Contain(["publish files.uploaded", "scan file"], "upload, publish and scan share the caller's trace");
    }

    /// <summary>The most memory the process has held at once (VmHWM), in MiB.</summary>
    private static long PeakResidentMegabytes(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;

    /// <summary>Content made as it is read (byte i is a function of i), hashed as it goes: nothing of it is held.</summary>
    private sealed class GeneratedStream(long length) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _position;

        public static byte[] Bytes(long from, int count)
        {
            var bytes = new byte[count];
            Fill(bytes, from);
            return bytes;
        }

        public string Sha256() => Convert.ToHexStringLower(_hash.GetCurrentHash());

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            Fill(buffer.AsSpan(offset, n), _position);
            _hash.AppendData(buffer, offset, n);
            _position += n;
            return n;
        }

        private static void Fill(Span<byte> span, long from)
        {
            for (var i = 0; i < span.Length; i++)
            {
                var x = (ulong)(from + i) * 0x9E3779B97F4A7C15UL;
                span[i] = (byte)(x >> 56);
            }
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
