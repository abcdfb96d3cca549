using Fleet.ServiceDefaults.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class RabbitMQPublisherExtensions
{
    /// <summary>
    /// Registers Fleet's confirming <see cref="RabbitMQPublisher"/> on the <c>IConnection</c> that Aspire's
    /// <c>AddRabbitMQClient</c> registers (call that first). Settings: the <c>RabbitMQ:Publisher</c> section.
    /// </summary>
    public static IHostApplicationBuilder AddRabbitMQPublisher(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RabbitMQPublisherOptions>().BindConfiguration(RabbitMQPublisherOptions.SectionName);
        builder.Services.AddSingleton<RabbitMQPublisher>();
        return builder;
    }
}
