namespace Fleet.AppHost.LocalServers.Postgres;

/// <summary>A PostgreSQL server that databases can be added to: one run here, or an existing one.</summary>
public interface IPostgresServerResource : IResourceWithConnectionString
{
    /// <summary>The databases to create once the server is ready, by resource name.</summary>
    Dictionary<string, string> Databases { get; }
}

/// <summary>PostgreSQL from the Debian packages, run here as the <c>postgres</c> user with its data in <see cref="DataDirectory"/>.</summary>
public sealed class PostgresServerResource(string name, string dataDirectory, ParameterResource password)
    : ExecutableResource(name, "/bin/sh", dataDirectory), IPostgresServerResource
{
    public const string EndpointName = "tcp";
    public const string UserName = "postgres";

    public string DataDirectory { get; } = dataDirectory;

    public ParameterResource Password { get; } = password;

    public EndpointReference Endpoint => new(this, EndpointName);

    public Dictionary<string, string> Databases { get; } = [];

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host=127.0.0.1;Port={Endpoint.Property(EndpointProperty.Port)};Username={UserName};Password={Password}");
}

public sealed class ExistingPostgresServerResource(string name, string connectionString)
    : ExistingServerResource(name, connectionString), IPostgresServerResource
{
    public Dictionary<string, string> Databases { get; } = [];
}
