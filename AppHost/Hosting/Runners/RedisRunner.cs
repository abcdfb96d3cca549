using System.Net.Sockets;
using System.Text;
using Fleet.AppHost.Hosting.Processes;

namespace Fleet.AppHost.Hosting.Runners;

/// <summary>Runs redis-server from the Debian package in the foreground, append-only file in its data folder.</summary>
internal sealed class RedisRunner(RedisResource server, RunContext context) : ServerRunner(server, context)
{
    private const string ServerBinary = "/usr/bin/redis-server";

    protected override IEnumerable<string> CheckLocalPrerequisites()
    {
        if (!File.Exists(ServerBinary))
        {
            yield return $"Redis is missing ({ServerBinary} not found). Run: sudo apt-get install -y redis-server";
        }
    }

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(server.DataDirectory);
        // The password goes in a file only we can read, not on a command line every user can see.
        var configPath = Path.Combine(server.DataDirectory, "redis.conf");
        await File.WriteAllTextAsync(configPath, $"""
            bind 127.0.0.1
            port {server.Port}
            protected-mode yes
            daemonize no
            dir {server.DataDirectory}
            appendonly yes
            appendfsync everysec
            save ""
            requirepass {server.Password}
            logfile ""
            """, cancellationToken);
        File.SetUnixFileMode(configPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    protected override ProcessSpec CreateProcessSpec() =>
        new(ServerBinary, [Path.Combine(server.DataDirectory, "redis.conf")]) { WorkingDirectory = server.DataDirectory };

    public override async Task<HealthCheck> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var (host, port, password) = Parse(server.ConnectionString);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, timeout.Token);
            var stream = client.GetStream();
            var commands = (password is null ? "" : $"AUTH {password}\r\n") + "PING\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(commands), timeout.Token);
            var reply = new StringBuilder();
            var buffer = new byte[256];
            while (!reply.ToString().Contains("PONG") && !reply.ToString().Contains('-'))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    break;
                }
                reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            return reply.ToString().Contains("+PONG") ? HealthCheck.Healthy() : HealthCheck.Unhealthy($"PING answered '{reply.ToString().Trim()}'");
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return HealthCheck.Unhealthy(ex.Message);
        }
    }

    /// <summary>Reads "host:port,password=..." (the StackExchange.Redis configuration string).</summary>
    internal static (string Host, int Port, string? Password) Parse(string connectionString)
    {
        var parts = connectionString.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var endpoint = parts[0];
        var colon = endpoint.LastIndexOf(':');
        var host = colon > 0 ? endpoint[..colon] : endpoint;
        var port = colon > 0 ? int.Parse(endpoint[(colon + 1)..]) : 6379;
        var password = parts.Skip(1).Where(p => p.StartsWith("password=", StringComparison.OrdinalIgnoreCase)).Select(p => p["password=".Length..]).FirstOrDefault();
        return (host, port, password);
    }
}
