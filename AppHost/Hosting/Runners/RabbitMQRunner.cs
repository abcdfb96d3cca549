using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Fleet.AppHost.Hosting.Processes;

namespace Fleet.AppHost.Hosting.Runners;

/// <summary>
/// Runs RabbitMQ from the Debian package as a foreground process, with its own epmd on its own port so that
/// both can be stopped by PID and nothing of the Erlang runtime outlives the AppHost.
/// </summary>
internal sealed class RabbitMQRunner(RabbitMQServerResource server, RunContext context) : ServerRunner(server, context)
{
    private const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private SupervisedProcess? _epmd;

    public override IEnumerable<int> StartedPids => base.StartedPids.Concat(_epmd?.StartedPids.ToArray() ?? []);

    private static string? EpmdPath => new[] { "/usr/bin/epmd", "/usr/lib/erlang/bin/epmd" }.FirstOrDefault(File.Exists);

    protected override IEnumerable<string> CheckLocalPrerequisites()
    {
        if (!File.Exists(ServerScript) || EpmdPath is null)
        {
            yield return $"RabbitMQ is missing ({ServerScript} or epmd not found). Run: sudo apt-get install -y rabbitmq-server";
        }
    }

    protected override async Task StartLocalAsync(CancellationToken cancellationToken)
    {
        _epmd = new SupervisedProcess(
            new ProcessSpec(EpmdPath!, ["-port", server.EpmdPort.ToString(), "-address", "127.0.0.1"]),
            Log, Context.NotifyChanged);
        await _epmd.StartAsync();
        await base.StartLocalAsync(cancellationToken);
    }

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(server.DataDirectory);
        var config = new StringBuilder()
            .AppendLine($"listeners.tcp.1 = 127.0.0.1:{server.Port}")
            .AppendLine("loopback_users = none")
            .AppendLine($"default_user = {RabbitMQServerResource.UserName}")
            .AppendLine($"default_pass = {server.Password}")
            .AppendLine("default_vhost = /")
            .AppendLine("log.console = true")
            .AppendLine("log.console.level = warning")
            .AppendLine("log.file = false");
        if (server.ManagementPluginEnabled)
        {
            config.AppendLine($"management.tcp.port = {server.ManagementPort}").AppendLine("management.tcp.ip = 127.0.0.1");
        }
        var configPath = Path.Combine(server.DataDirectory, "rabbitmq.conf");
        await File.WriteAllTextAsync(configPath, config.ToString(), cancellationToken);
        File.SetUnixFileMode(configPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(Path.Combine(server.DataDirectory, "enabled_plugins"),
            server.ManagementPluginEnabled ? "[rabbitmq_management]." : "[].", cancellationToken);
    }

    protected override ProcessSpec CreateProcessSpec() => new(ServerScript, [])
    {
        WorkingDirectory = server.DataDirectory,
        Environment =
        {
            ["HOME"] = server.DataDirectory,
            ["RABBITMQ_NODENAME"] = $"fleet-{server.Port}@localhost",
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = server.Port.ToString(),
            ["RABBITMQ_DIST_PORT"] = server.DistributionPort.ToString(),
            ["ERL_EPMD_PORT"] = server.EpmdPort.ToString(),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(server.DataDirectory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(server.DataDirectory, "log"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(server.DataDirectory, "rabbitmq.conf"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(server.DataDirectory, "enabled_plugins"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(server.DataDirectory, "rabbitmq.pid"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(server.DataDirectory, "rabbitmq-env.conf"),
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
            ["RABBITMQ_LOGS"] = "-",
        },
    };

    /// <remarks>
    /// RabbitMQ 3.10 spends five seconds of every shutdown waiting on its management statistics collector
    /// (fixed upstream in 3.13), so a clean stop takes about six seconds.
    /// </remarks>
    public override async Task StopAsync(TimeSpan grace)
    {
        await base.StopAsync(grace);
        if (_epmd is not null)
        {
            await _epmd.StopAsync(Native.SIGTERM, TimeSpan.FromSeconds(1));
        }
    }

    public override async Task<HealthCheck> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var uri = new Uri(server.ConnectionString);
        // With the management API to ask, a TCP connect suffices for AMQP: a half-finished handshake every few
        // seconds would fill the broker's log with warnings.
        var amqp = await ProbeAmqpAsync(uri.Host, uri.Port > 0 ? uri.Port : 5672, handshake: server.ManagementUri is null, cancellationToken);
        if (!amqp.IsHealthy || server.ManagementUri is not { } management)
        {
            return amqp;
        }
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(management, "api/health/checks/alarms"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RabbitMQServerResource.UserName}:{server.Password}")));
            using var response = await Context.HealthClient.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheck.Healthy()
                : HealthCheck.Unhealthy($"management API answered {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return HealthCheck.Unhealthy($"management API: {ex.Message}");
        }
    }

    /// <summary>The broker opens its AMQP listener last; a Connection.Start frame in answer to the protocol header means it is serving.</summary>
    private static async Task<HealthCheck> ProbeAmqpAsync(string host, int port, bool handshake, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, timeout.Token);
            if (!handshake)
            {
                return HealthCheck.Healthy();
            }
            var stream = client.GetStream();
            await stream.WriteAsync("AMQP\0\0\x09\x01"u8.ToArray(), timeout.Token);
            var frame = new byte[1];
            var read = await stream.ReadAsync(frame, timeout.Token);
            return read == 1 && frame[0] == 1 ? HealthCheck.Healthy() : HealthCheck.Unhealthy("AMQP handshake refused");
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return HealthCheck.Unhealthy($"AMQP: {ex.Message}");
        }
    }
}
