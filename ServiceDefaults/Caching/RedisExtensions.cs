using Fleet.ServiceDefaults.Caching;
using Fleet.ServiceDefaults.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class RedisExtensions
{
    /// <summary>
    /// Registers the cache: an <see cref="IConnectionMultiplexer"/> singleton (StackExchange.Redis)
    /// for <c>ConnectionStrings:{connectionName}</c> (e.g. <c>127.0.0.1:6379</c>) and a PING health check
    /// named <paramref name="connectionName"/>. <c>abortConnect=false</c>: a cache that is down at
    /// start-up makes the service unhealthy, not dead, and the client keeps reconnecting.
    /// </summary>
    public static IHostApplicationBuilder AddRedisClient(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<ConfigurationOptions>? configure = null)
    {
        builder.Services.AddSingleton<IConnectionMultiplexer>(services =>
        {
            var connectionString = services.GetRequiredService<IConfiguration>().GetConnectionString(connectionName)
                ?? throw new InvalidOperationException(
                    $"ConnectionStrings:{connectionName} is not configured (environment variable ConnectionStrings__{connectionName}).");

            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = false;
            options.ClientName ??= services.GetRequiredService<IHostEnvironment>().ApplicationName;
            configure?.Invoke(options);
            return ConnectionMultiplexer.Connect(options);
        });

        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            connectionName,
            services => new RedisHealthCheck(services.GetRequiredService<IConnectionMultiplexer>()),
            failureStatus: HealthStatus.Unhealthy,
            tags: [HealthCheckTags.Ready],
            timeout: TimeSpan.FromSeconds(5)));

        return builder;
    }
}
