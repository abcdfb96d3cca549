using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Fleet.ServiceDefaults.Messaging;

public static class BrokerConnection
{
    /// <summary>
    /// The <see cref="IConnection"/> Aspire's <c>AddRabbitMQClient</c> registers. Aspire opens it on first resolution and
    /// blocks, retrying, while the broker is away: it is resolved off the caller's thread, and the caller stops waiting
    /// when <paramref name="cancellationToken"/> fires (the resolution goes on, for the next caller).
    /// </summary>
    public static Task<IConnection> GetRabbitMQConnectionAsync(this IServiceProvider services, CancellationToken cancellationToken) =>
        Task.Run(services.GetRequiredService<IConnection>, CancellationToken.None).WaitAsync(cancellationToken);
}
