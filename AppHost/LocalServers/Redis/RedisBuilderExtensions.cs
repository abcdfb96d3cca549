using Microsoft.Extensions.DependencyInjection;

namespace Fleet.AppHost.LocalServers.Redis;

public static class RedisBuilderExtensions
{
    /// <summary>
    /// Redis: the server named by <c>ConnectionStrings:{name}</c> when one is configured, otherwise one run here from
    /// the Debian package, on a loopback port, with a password and its append-only file kept in the data folder.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRedis(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        if (builder.Configuration.GetConnectionString(name) is { Length: > 0 } existing)
        {
            return builder.AddExistingServer(new ExistingServerResource(name, existing)).WithRedisHealthCheck();
        }
        if (!File.Exists(RedisServerResource.ServerBinary))
        {
            throw new DistributedApplicationException($"Redis is missing ({RedisServerResource.ServerBinary} not found). Run: sudo apt-get install -y redis-server");
        }

        var password = builder.AddGeneratedSecret($"{name}-password");
        var server = new RedisServerResource(name, LocalServerPaths.For(builder, name), password.Resource);
        return builder.AddResource(server)
            .WithEndpoint(name: RedisServerResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(server.ConfigurationFile)
            .OnBeforeResourceStarted(async (redis, _, cancellationToken) =>
            {
                Directory.CreateDirectory(redis.DataDirectory);
                // The password goes in a file only its owner can read, not on a command line every user can see.
                await File.WriteAllTextAsync(redis.ConfigurationFile, $"""
                    bind 127.0.0.1
                    port {await redis.Endpoint.Property(EndpointProperty.TargetPort).GetValueAsync(cancellationToken)}
                    protected-mode yes
                    daemonize no
                    dir {redis.DataDirectory}
                    appendonly yes
                    appendfsync everysec
                    save ""
                    requirepass {await redis.Password.GetValueAsync(cancellationToken)}
                    logfile ""
                    """, cancellationToken);
                File.SetUnixFileMode(redis.ConfigurationFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            })
            .WithRedisHealthCheck();
    }

    /// <summary>The health check Aspire's own Redis integration uses: PING over StackExchange.Redis.</summary>
    private static IResourceBuilder<IResourceWithConnectionString> WithRedisHealthCheck<T>(this IResourceBuilder<T> redis)
        where T : IResourceWithConnectionString =>
        (IResourceBuilder<IResourceWithConnectionString>)redis.WithConnectionStringHealthCheck(
            (checks, check, connectionString) => checks.AddRedis(_ => connectionString(), name: check));
}
