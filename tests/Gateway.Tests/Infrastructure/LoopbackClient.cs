using System.Net;
using System.Net.Sockets;

namespace Fleet.Gateway.Tests.Infrastructure;

public static class LoopbackClient
{
    /// <summary>A client whose connections come from another loopback address, so it has its own per-IP limits.</summary>
    public static HttpClient From(string localAddress, Uri baseAddress) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = baseAddress };
}
