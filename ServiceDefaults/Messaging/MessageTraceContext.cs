using System.Diagnostics;
using System.Text;
using RabbitMQ.Client;

namespace Fleet.ServiceDefaults.Messaging;

/// <summary>
/// W3C trace context (<c>traceparent</c>, <c>tracestate</c>) in message headers, so one trace runs
/// from the HTTP request through the queue to the consumer's work.
/// </summary>
public static class MessageTraceContext
{
    /// <summary>Writes <paramref name="activity"/>'s context into <paramref name="headers"/>.</summary>
    public static void Inject(Activity? activity, IDictionary<string, object?> headers)
    {
        if (activity is null)
        {
            return;
        }

        DistributedContextPropagator.Current.Inject(activity, headers, static (carrier, name, value) =>
            ((IDictionary<string, object?>)carrier!)[name] = value);
    }

    /// <summary>
    /// The producer's context from a received message, for the consumer's activity:
    /// <c>source.StartActivity("process rides.accepted", ActivityKind.Consumer, MessageTraceContext.Extract(properties))</c>.
    /// <c>default</c> when the message carries none.
    /// </summary>
    public static ActivityContext Extract(IReadOnlyBasicProperties properties)
    {
        if (properties.Headers is not { } headers)
        {
            return default;
        }

        DistributedContextPropagator.Current.ExtractTraceIdAndState(headers, static (carrier, name, out value, out values) =>
        {
            values = null;
            value = ((IDictionary<string, object?>)carrier!).TryGetValue(name, out var raw)
                ? raw switch
                {
                    byte[] bytes => Encoding.UTF8.GetString(bytes), // how AMQP string headers arrive
                    string text => text,
                    _ => null,
                }
                : null;
        }, out var traceParent, out var traceState);

        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
    }
}
