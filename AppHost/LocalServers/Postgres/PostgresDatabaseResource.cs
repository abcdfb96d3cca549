using Npgsql;

namespace Fleet.AppHost.LocalServers.Postgres;

/// <summary>One service's database on a PostgreSQL server, created when the server is ready.</summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, IPostgresServerResource server)
    : Resource(name), IResourceWithParent<IPostgresServerResource>, IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;

    public IPostgresServerResource Parent { get; } = server;

    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var builder = new ReferenceExpressionBuilder();
            builder.Append($"{Parent.ConnectionStringExpression}");
            builder.AppendLiteral($";Database={DatabaseName}");
            return builder.Build();
        }
    }

    internal static string WithDatabase(string serverConnectionString, string database) =>
        new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = database }.ConnectionString;
}
