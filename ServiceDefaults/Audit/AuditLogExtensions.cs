using Fleet.ServiceDefaults.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

public static class AuditLogExtensions
{
    /// <summary>
    /// <see cref="AuditLog"/> for this service, its events' <c>application</c> being <paramref name="application"/>: one
    /// line to record an event, published to <c>fleet.audit</c> in the background. Needs <c>AddRabbitMQClient</c> first.
    /// </summary>
    public static IHostApplicationBuilder AddAuditLog(this IHostApplicationBuilder builder, string application)
    {
        builder.Services.AddOptions<AuditLogOptions>().BindConfiguration(AuditLogOptions.SectionName)
            .Configure(options => options.Application = string.IsNullOrEmpty(options.Application) ? application : options.Application);
        builder.Services.AddHttpContextAccessor();
        builder.Services.TryAddSingleton(TimeProvider.System);
        if (!builder.Services.Any(service => service.ServiceType == typeof(Fleet.ServiceDefaults.Messaging.RabbitMQPublisher)))
        {
            builder.AddRabbitMQPublisher();
        }
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddHostedService<AuditPublisher>();
        return builder;
    }
}
