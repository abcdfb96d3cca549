using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Fleet.AppHost.LocalServers.Postgres;

public static class PostgresBuilderExtensions
{
    /// <summary>
    /// PostgreSQL: the server named by <c>ConnectionStrings:{name}</c> when one is configured, otherwise one run here
    /// from the Debian packages, on a loopback port, with its data kept in the data folder.
    /// </summary>
    public static IResourceBuilder<IPostgresServerResource> AddPostgres(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        if (builder.Configuration.GetConnectionString(name) is { Length: > 0 } existing)
        {
            var server = new ExistingPostgresServerResource(name, existing);
            return builder.AddExistingServer(server).WithPostgresReadiness();
        }

        var dataDirectory = LocalServerPaths.ForPostgres(builder, name);
        var install = PostgresInstallation.Find(dataDirectory);
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")) && !DevelopmentSecrets.IsStored(builder, $"{name}-password"))
        {
            throw new DistributedApplicationException(
                $"The PostgreSQL data in {dataDirectory} has no password in {DevelopmentSecrets.FilePath(builder)}: it was made by an older Fleet. Delete it (rm -rf {dataDirectory}) to start afresh.");
        }
        var password = builder.AddGeneratedSecret($"{name}-password");
        var local = new PostgresServerResource(name, dataDirectory, password.Resource);
        return builder.AddResource(local)
            .WithEndpoint(name: PostgresServerResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                // sh forwards SIGTERM (how the orchestrator stops a process) as SIGINT: PostgreSQL's fast shutdown,
                // which ends open sessions instead of waiting for every client to leave.
                context.Args.Add("-c");
                context.Args.Add("""trap 'kill -INT "$pid"' TERM INT; "$@" & pid=$!; while kill -0 "$pid" 2>/dev/null; do wait "$pid"; status=$?; done; exit $status""");
                context.Args.Add("postgres");
                foreach (var argument in install.RunAsServiceUser([install.Postgres, "-D", dataDirectory]))
                {
                    context.Args.Add(argument);
                }
                context.Args.Add("-c");
                context.Args.Add("listen_addresses=127.0.0.1");
                context.Args.Add("-c");
                context.Args.Add(ReferenceExpression.Create($"port={local.Endpoint.Property(EndpointProperty.TargetPort)}"));
                // TCP on loopback only: no socket file to place where the postgres user may not write.
                context.Args.Add("-c");
                context.Args.Add("unix_socket_directories=");
                context.Args.Add("-c");
                context.Args.Add("max_connections=300");
                context.Args.Add("-c");
                context.Args.Add("shared_buffers=256MB");
            })
            .OnBeforeResourceStarted(async (server, @event, cancellationToken) =>
            {
                var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
                await install.InitializeAsync(await server.Password.GetValueAsync(cancellationToken) ?? "", logger, cancellationToken);
            })
            .WithPostgresReadiness();
    }

    /// <summary>A database on the server, created when the server is ready; its connection string is the server's with <c>Database</c> set.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<IPostgresServerResource> server, [ResourceName] string name, string? databaseName = null)
    {
        var database = new PostgresDatabaseResource(name, databaseName ?? name, server.Resource);
        server.Resource.Databases[name] = database.DatabaseName;

        return server.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "PostgreSQL database", State = KnownResourceStates.Waiting, Properties = [] })
            .WithConnectionStringHealthCheck((checks, check, connectionString) => checks.AddNpgSql(_ => connectionString(), name: check));
    }

    /// <summary>Health from a real query, and the databases created once the server answers.</summary>
    private static IResourceBuilder<IPostgresServerResource> WithPostgresReadiness<T>(this IResourceBuilder<T> server)
        where T : IPostgresServerResource
    {
        var builder = server.ApplicationBuilder;
        builder.Eventing.Subscribe<ResourceReadyEvent>(server.Resource, async (@event, cancellationToken) =>
        {
            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server.Resource);
            var connectionString = await server.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken) ?? "";
            await CreateDatabasesAsync(Maintenance(connectionString), server.Resource.Databases.Values, logger, cancellationToken);
            // The databases exist now: announce their connection strings (the orchestrator does so only for children of
            // the processes it runs) and mark them Running, which starts their own health checks.
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var database in @event.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<PostgresDatabaseResource>()
                .Where(d => d.Parent == (IPostgresServerResource)server.Resource))
            {
                await builder.Eventing.PublishAsync(new ConnectionStringAvailableEvent(database, @event.Services), cancellationToken);
                await notifications.PublishUpdateAsync(database, s => s with { State = KnownResourceStates.Running });
            }
        });

        return (IResourceBuilder<IPostgresServerResource>)server.WithConnectionStringHealthCheck(
            (checks, check, connectionString) => checks.AddNpgSql(_ => Maintenance(connectionString()), name: check));
    }

    /// <summary>The server's own maintenance database: the connection string names no database of its own.</summary>
    private static string Maintenance(string serverConnectionString) => PostgresDatabaseResource.WithDatabase(serverConnectionString, "postgres");

    private static async Task CreateDatabasesAsync(string connectionString, IEnumerable<string> databases, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var database in databases)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = database } } };
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                var quoted = new NpgsqlCommandBuilder().QuoteIdentifier(database);
                await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
                logger.LogInformation("Created database {Database}", database);
            }
        }
    }
}
