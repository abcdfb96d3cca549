namespace Fleet.AppHost.LocalServers.RabbitMQ;

/// <summary>RabbitMQ from the Debian package, with the management plugin, its data in <see cref="DataDirectory"/>.</summary>
public sealed class RabbitMQServerResource(string name, string dataDirectory, ParameterResource password)
    : ExecutableResource(name, ServerScript, dataDirectory), IResourceWithConnectionString
{
    public const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    public const string ControlScript = "/usr/lib/rabbitmq/bin/rabbitmqctl";
    // Fixed: the message store lives under the node's name, so it must not change between runs.
    public const string NodeName = "fleet@localhost";
    public const string AmqpEndpointName = "tcp";
    public const string ManagementEndpointName = "management";
    public const string DistributionEndpointName = "dist";
    public const string UserName = "fleet";

    public string DataDirectory { get; } = dataDirectory;

    public ParameterResource Password { get; } = password;

    public EndpointReference Amqp => new(this, AmqpEndpointName);

    public EndpointReference Management => new(this, ManagementEndpointName);

    public EndpointReference Distribution => new(this, DistributionEndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://{UserName}:{Password}@127.0.0.1:{Amqp.Property(EndpointProperty.Port)}");
}

/// <summary>
/// The Erlang port mapper RabbitMQ registers with, on a port of its own. Run as a resource of its own so that it is
/// stopped with everything else: left to RabbitMQ, it would start as a daemon and outlive the AppHost.
/// </summary>
public sealed class EpmdResource(string name, string command, RabbitMQServerResource broker)
    : ExecutableResource(name, command, broker.DataDirectory)
{
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => new(this, EndpointName);
}
