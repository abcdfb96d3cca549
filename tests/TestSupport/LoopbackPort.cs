using System.Net;
using System.Net.Sockets;

namespace Fleet.Testing;

public static class LoopbackPort
{
    /// <summary>
    /// A loopback port nothing listens on at this moment: one to give a server that is about to start, or to point a
    /// client at for "the dependency is down" tests.
    /// </summary>
    public static int Unused()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
