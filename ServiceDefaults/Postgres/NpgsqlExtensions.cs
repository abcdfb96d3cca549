using Fleet.ServiceDefaults.Health;
using Fleet.ServiceDefaults.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

public static class NpgsqlExtensions
{
    /// <summary>
    /// Registers the service's database: an <see cref="NpgsqlDataSource"/> singleton built from
    /// <c>ConnectionStrings:{connectionName}</c> and a health check named <paramref name="connectionName"/>.
    /// Each service owns exactly one database. Chain <c>.WithMigrations(...)</c> to apply its schema at start-up.
    /// </summary>
    public static PostgresDatabaseBuilder AddNpgsqlDataSource(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<NpgsqlDataSourceBuilder>? configure = null)
    {
        if (builder.Services.Any(service => service.ServiceType == typeof(NpgsqlDataSource)))
        {
            throw new InvalidOperationException(
                $"An NpgsqlDataSource is already registered; a Fleet service owns one database (adding '{connectionName}').");
        }

        builder.Services.AddSingleton(services =>
        {
            var connectionString = services.GetRequiredService<IConfiguration>().GetConnectionString(connectionName)
                ?? throw new InvalidOperationException(
                    $"ConnectionStrings:{connectionName} is not configured (environment variable ConnectionStrings__{connectionName}).");

            var dataSource = new NpgsqlDataSourceBuilder(connectionString);
            dataSource.ConnectionStringBuilder.ApplicationName ??= services.GetRequiredService<IHostEnvironment>().ApplicationName;
            dataSource.UseLoggerFactory(services.GetRequiredService<ILoggerFactory>());
            configure?.Invoke(dataSource);
            return dataSource.Build();
        });

        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            connectionName,
            services => new NpgsqlHealthCheck(services.GetRequiredService<NpgsqlDataSource>()),
            failureStatus: HealthStatus.Unhealthy,
            tags: [HealthCheckTags.Ready],
            timeout: TimeSpan.FromSeconds(5)));

        return new PostgresDatabaseBuilder(builder, connectionName);
    }
}
