using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Fleet.ServiceDefaults.Messaging;

public static class BrokerConnection
{
    /// <summary>
    /// The <see cref="IConnection"/> Aspire's <c>AddRabbitMQClient</c> registers. Aspire opens it on first resolution and
    /// blocks, retrying, while the broker is away: it is resolved off the caller's thread, and the caller stops waiting
    /// when <paramref name="cancellationToken"/> fires (the resolution goes on, for the next caller). The connection's
    /// loops start in that resolution, so it runs without the caller's context: a caller's activity would otherwise be the
    /// parent of everything the connection ever does.
    /// </summary>
    public static Task<IConnection> GetRabbitMQConnectionAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(services.GetRequiredService<IConnection>, CancellationToken.None).WaitAsync(cancellationToken);
        }
    }
}
