using Npgsql;

namespace Fleet.AppHost.Hosting;

public sealed class PostgresServerResource(string name) : ServerResource(name)
{
    public const string UserName = "fleet";

    public override string Kind => "postgres";

    public List<PostgresDatabaseResource> Databases { get; } = [];

    protected override string BuildConnectionString() =>
        $"Host=127.0.0.1;Port={Port};Username={UserName};Password={Password}";
}

public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource server)
    : Resource(name), IResourceWithConnectionString
{
    public override string Kind => "database";

    public string DatabaseName { get; } = databaseName;

    public PostgresServerResource Server { get; } = server;

    /// <summary>Set when <c>ConnectionStrings__{Name}</c> was given: that database is used and not created.</summary>
    public string? ExistingConnectionString { get; internal set; }

    public string ConnectionString => ExistingConnectionString
        ?? new NpgsqlConnectionStringBuilder(Server.ConnectionString) { Database = DatabaseName }.ConnectionString;
}
