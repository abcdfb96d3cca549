using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Fleet.AppHost.Hosting;

/// <summary>Hands out loopback ports: a fixed one when asked, else the one this key had last time if still free, else any free one.</summary>
internal sealed class PortAllocator
{
    private readonly string? _stateFile;
    private readonly bool _randomizeFixedPorts;
    private readonly Dictionary<string, int> _remembered;
    private readonly HashSet<int> _handedOut = [];

    public PortAllocator(string? stateFile, bool randomizeFixedPorts)
    {
        _stateFile = stateFile;
        _randomizeFixedPorts = randomizeFixedPorts;
        _remembered = stateFile is not null && File.Exists(stateFile)
            ? JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(stateFile)) ?? []
            : [];
    }

    public List<string> Problems { get; } = [];

    public int Allocate(string key, int? fixedPort = null)
    {
        if (fixedPort is { } port && !_randomizeFixedPorts)
        {
            if (!IsFree(port))
            {
                Problems.Add($"Port {port} for '{key}' is in use. Stop whatever listens there (ss -ltnp 'sport = :{port}'), or choose another port.");
            }
            return Take(key, port);
        }
        if (_remembered.TryGetValue(key, out var previous) && !_handedOut.Contains(previous) && IsFree(previous))
        {
            return Take(key, previous);
        }
        int candidate;
        do
        {
            candidate = AnyFreePort();
        }
        while (_handedOut.Contains(candidate));
        return Take(key, candidate);
    }

    public void Save()
    {
        if (_stateFile is not null)
        {
            File.WriteAllText(_stateFile, JsonSerializer.Serialize(_remembered, new JsonSerializerOptions { WriteIndented = true }));
        }
    }

    private int Take(string key, int port)
    {
        _handedOut.Add(port);
        _remembered[key] = port;
        return port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int AnyFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
