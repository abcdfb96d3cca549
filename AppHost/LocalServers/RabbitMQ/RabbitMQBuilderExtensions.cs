using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Fleet.AppHost.LocalServers.RabbitMQ;

public static class RabbitMQBuilderExtensions
{
    /// <summary>
    /// RabbitMQ: the broker named by <c>ConnectionStrings:{name}</c> when one is configured, otherwise one run here
    /// from the Debian package with the management plugin on, on loopback ports, its data kept in the data folder.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRabbitMQ(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        if (builder.Configuration.GetConnectionString(name) is { Length: > 0 } existing)
        {
            return builder.AddExistingServer(new ExistingServerResource(name, existing)).WithRabbitMQHealthCheck();
        }

        var epmdPath = new[] { "/usr/bin/epmd", "/usr/lib/erlang/bin/epmd" }.FirstOrDefault(File.Exists);
        if (!File.Exists(RabbitMQServerResource.ServerScript) || epmdPath is null)
        {
            throw new DistributedApplicationException(
                $"RabbitMQ is missing ({RabbitMQServerResource.ServerScript} or epmd not found). Run: sudo apt-get install -y rabbitmq-server");
        }

        var password = builder.AddGeneratedSecret($"{name}-password");
        var broker = new RabbitMQServerResource(name, LocalServerPaths.For(builder, name), password.Resource);
        // Both processes run in the data folder, and epmd may start before the broker's start-up hook could make it.
        Directory.CreateDirectory(broker.DataDirectory);
        var epmdResource = new EpmdResource($"{name}-epmd", epmdPath, broker);
        var epmd = builder.AddResource(epmdResource)
            .WithEndpoint(name: EpmdResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add("-port");
                context.Args.Add(epmdResource.Endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("-address");
                context.Args.Add("127.0.0.1");
            })
            .WithTcpHealthCheck(builder, r => r.Endpoint)
            .WithParentRelationship(broker);

        builder.Services.AddSingleton<IHostedService>(services =>
            new ManagementAgentRelease(broker, epmdResource, services.GetRequiredService<ILogger<ManagementAgentRelease>>()));

        var data = broker.DataDirectory;
        return builder.AddResource(broker)
            .WithEndpoint(name: RabbitMQServerResource.AmqpEndpointName, scheme: "tcp", isProxied: false)
            .WithEndpoint(name: RabbitMQServerResource.DistributionEndpointName, scheme: "tcp", isProxied: false)
            .WithHttpEndpoint(name: RabbitMQServerResource.ManagementEndpointName, isProxied: false)
            .WithEnvironment(context =>
            {
                var env = context.EnvironmentVariables;
                env["HOME"] = data;
                env["RABBITMQ_NODENAME"] = RabbitMQServerResource.NodeName;
                env["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
                env["RABBITMQ_NODE_PORT"] = broker.Amqp.Property(EndpointProperty.TargetPort);
                env["RABBITMQ_DIST_PORT"] = broker.Distribution.Property(EndpointProperty.TargetPort);
                env["ERL_EPMD_PORT"] = epmd.Resource.Endpoint.Property(EndpointProperty.TargetPort);
                env["ERL_EPMD_ADDRESS"] = "127.0.0.1";
                env["RABBITMQ_MNESIA_BASE"] = Path.Combine(data, "mnesia");
                env["RABBITMQ_LOG_BASE"] = Path.Combine(data, "log");
                env["RABBITMQ_CONFIG_FILE"] = Path.Combine(data, "rabbitmq.conf");
                env["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(data, "enabled_plugins");
                env["RABBITMQ_PID_FILE"] = Path.Combine(data, "rabbitmq.pid");
                env["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(data, "rabbitmq-env.conf");
                env["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}";
                env["RABBITMQ_LOGS"] = "-";
            })
            .OnBeforeResourceStarted(async (server, _, cancellationToken) =>
            {
                await WriteConfigurationAsync(server, cancellationToken);
            })
            // Started without its own epmd listening, RabbitMQ would start a daemon epmd that outlives the AppHost.
            .WaitFor(epmd)
            .WithRabbitMQHealthCheck();
    }

    /// <summary>The user, listeners and plugins; written at every start, readable by its owner only (it holds the password).</summary>
    private static async Task WriteConfigurationAsync(RabbitMQServerResource server, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(server.DataDirectory);
        var managementPort = await server.Management.Property(EndpointProperty.TargetPort).GetValueAsync(cancellationToken);
        var config = new StringBuilder()
            .AppendLine("loopback_users = none")
            .AppendLine($"default_user = {RabbitMQServerResource.UserName}")
            .AppendLine($"default_pass = {await server.Password.GetValueAsync(cancellationToken)}")
            .AppendLine("default_vhost = /")
            .AppendLine("log.console = true")
            .AppendLine("log.console.level = warning")
            .AppendLine("log.file = false")
            .AppendLine($"management.tcp.port = {managementPort}")
            .AppendLine("management.tcp.ip = 127.0.0.1");
        var configPath = Path.Combine(server.DataDirectory, "rabbitmq.conf");
        await File.WriteAllTextAsync(configPath, config.ToString(), cancellationToken);
        File.SetUnixFileMode(configPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(Path.Combine(server.DataDirectory, "enabled_plugins"), "[rabbitmq_management].", cancellationToken);
    }

    /// <summary>The health check Aspire's own RabbitMQ integration uses: an AMQP connection, opened once and kept.</summary>
    private static IResourceBuilder<IResourceWithConnectionString> WithRabbitMQHealthCheck<T>(this IResourceBuilder<T> broker)
        where T : IResourceWithConnectionString
    {
        IConnection? connection = null;
        return (IResourceBuilder<IResourceWithConnectionString>)broker.WithConnectionStringHealthCheck((checks, check, connectionString) =>
            checks.AddRabbitMQ(async _ => connection ??= await new ConnectionFactory { Uri = new Uri(connectionString()) }.CreateConnectionAsync(), name: check));
    }
}
