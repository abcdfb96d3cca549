using System.Buffers;
using System.Net;

namespace Fleet.Gateway.Proxy;

/// <summary>
/// Sends the caller's request body to the backend as it arrives, chunk by chunk, never buffering it whole.
/// Remembers whether sending began, which decides if a failed attempt may be retried elsewhere.
/// </summary>
public sealed class StreamingRequestContent(Stream source) : HttpContent
{
    private const int BufferSize = 64 * 1024;

    public bool HasStarted { get; private set; }

    /// <summary>Reading from the caller failed (caller went away, or sent a malformed body).</summary>
    public bool CallerFailed { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        HasStarted = true;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await source.ReadAsync(buffer, cancellationToken);
                }
                catch
                {
                    CallerFailed = true;
                    throw;
                }

                if (read == 0)
                {
                    return;
                }

                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                // Without a flush a slow trickle (or a streaming client) would sit in the connection's buffer.
                await stream.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        // A Content-Length copied from the caller is used as is; otherwise the body goes chunked.
        length = -1;
        return false;
    }
}
