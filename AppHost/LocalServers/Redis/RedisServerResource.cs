namespace Fleet.AppHost.LocalServers.Redis;

/// <summary>redis-server from the Debian package, append-only file in <see cref="DataDirectory"/>.</summary>
public sealed class RedisServerResource(string name, string dataDirectory, ParameterResource password)
    : ExecutableResource(name, ServerBinary, dataDirectory), IResourceWithConnectionString
{
    public const string ServerBinary = "/usr/bin/redis-server";
    public const string EndpointName = "tcp";

    public string DataDirectory { get; } = dataDirectory;

    public ParameterResource Password { get; } = password;

    public EndpointReference Endpoint => new(this, EndpointName);

    public string ConfigurationFile => Path.Combine(DataDirectory, "redis.conf");

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"127.0.0.1:{Endpoint.Property(EndpointProperty.Port)},password={Password}");
}
