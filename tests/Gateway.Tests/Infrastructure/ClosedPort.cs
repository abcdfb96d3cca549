using System.Net;
using System.Net.Sockets;

namespace Fleet.Gateway.Tests.Infrastructure;

public static class ClosedPort
{
    /// <summary>An address nothing listens on: connecting to it is refused.</summary>
    public static string Url()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
