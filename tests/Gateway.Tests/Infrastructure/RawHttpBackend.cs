using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fleet.Gateway.Tests.Infrastructure;

/// <summary>
/// A backend that answers every request with a fixed response written byte for byte, so a test can
/// send headers (Connection, Keep-Alive, Upgrade, ...) a real server framework would not let through.
/// </summary>
public sealed class RawHttpBackend : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly byte[] _response;

    public RawHttpBackend(string response)
    {
        _response = Encoding.ASCII.GetBytes(response);
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _acceptLoop = AcceptAsync();
    }

    public string Url { get; }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var stream = client.GetStream();
                await RawHttp.ReadHeadAsync(stream, _stop.Token);
                await stream.WriteAsync(_response, _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        _stop.Dispose();
    }
}
