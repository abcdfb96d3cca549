using Fleet.ServiceDefaults.Health;
using Fleet.ServiceDefaults.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

public static class RabbitMQExtensions
{
    /// <summary>
    /// Registers the broker client: one shared connection (<see cref="RabbitMQConnectionProvider"/>)
    /// to the <c>amqp://</c> URI in <c>ConnectionStrings:{connectionName}</c>, the shared exchanges
    /// (<see cref="FleetExchanges"/>), a <see cref="RabbitMQPublisher"/> that waits for confirms,
    /// and a health check named <paramref name="connectionName"/>. Settings: the <c>RabbitMQ</c> section.
    /// </summary>
    public static IHostApplicationBuilder AddRabbitMQClient(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<RabbitMQClientOptions>? configure = null)
    {
        var options = builder.Services.AddOptions<RabbitMQClientOptions>()
            .Configure<IConfiguration>((options, configuration) =>
                options.ConnectionString = configuration.GetConnectionString(connectionName))
            .BindConfiguration(RabbitMQClientOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.AddSingleton<RabbitMQConnectionProvider>();
        builder.Services.AddSingleton<RabbitMQPublisher>();

        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            connectionName,
            services => new RabbitMQHealthCheck(services.GetRequiredService<RabbitMQConnectionProvider>()),
            failureStatus: HealthStatus.Unhealthy,
            tags: [HealthCheckTags.Ready],
            timeout: TimeSpan.FromSeconds(5)));

        return builder;
    }
}
