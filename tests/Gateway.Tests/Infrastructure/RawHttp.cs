using System.Net.Sockets;
using System.Text;

namespace Fleet.Gateway.Tests.Infrastructure;

/// <summary>HTTP/1.1 over a plain socket, for tests that must see or send exact header lines.</summary>
public static class RawHttp
{
    /// <summary>
    /// Sends <paramref name="request"/> and returns the response: a body of Content-Length bytes, or
    /// (without one) whatever comes until the server closes the connection.
    /// </summary>
    public static async Task<RawResponse> SendAsync(Uri server, string request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        return await ReadResponseAsync(stream, timeout.Token);
    }

    /// <summary>
    /// Reads a response: a body of Content-Length bytes, a chunked body to its last chunk, or (with neither)
    /// whatever comes until the server closes the connection.
    /// </summary>
    public static async Task<RawResponse> ReadResponseAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var head = RawResponse.Parse(await ReadHeadAsync(stream, cancellationToken));
        using var body = new MemoryStream();
        if (head.Get("Content-Length") is { } length)
        {
            var bytes = new byte[int.Parse(length)];
            await stream.ReadExactlyAsync(bytes, cancellationToken);
            body.Write(bytes);
        }
        else if (head.Get("Transfer-Encoding") == "chunked")
        {
            var one = new byte[1];
            while (!Encoding.ASCII.GetString(body.ToArray()).EndsWith("0\r\n\r\n", StringComparison.Ordinal)
                   && await stream.ReadAsync(one, cancellationToken) > 0)
            {
                body.Write(one);
            }

            return head with { Body = Dechunk(Encoding.UTF8.GetString(body.ToArray())) };
        }
        else
        {
            await stream.CopyToAsync(body, cancellationToken);
        }

        return head with { Body = Encoding.UTF8.GetString(body.ToArray()) };
    }

    /// <summary>The body of a chunked response as one piece (chunk sizes in hex, each line ended by CRLF).</summary>
    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[at..lineEnd].Split(';')[0], 16);
            if (size == 0)
            {
                return body.ToString();
            }

            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    /// <summary>Reads up to and including the blank line that ends a request's or response's head.</summary>
    public static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                break;
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }
}

public sealed record RawResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    public static RawResponse Parse(string text)
    {
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var lines = text[..split].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1]);
        var headers = lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .Select(parts => KeyValuePair.Create(parts[0].Trim(), parts[1].Trim()))
            .ToList();
        return new RawResponse(status, headers, text[(split + 4)..]);
    }

    public bool Has(string name) => Headers.Any(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase));

    public string? Get(string name) =>
        Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
}
