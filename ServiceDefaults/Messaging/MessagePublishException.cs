namespace Fleet.ServiceDefaults.Messaging;

/// <summary>The broker did not take responsibility for a message: it was nacked, or returned as unroutable.</summary>
public sealed class MessagePublishException(string exchange, string routingKey, bool returned, Exception innerException)
    : Exception(
        returned
            ? $"The broker returned the message for exchange '{exchange}' with routing key '{routingKey}': no queue is bound for it."
            : $"The broker refused (nacked) the message for exchange '{exchange}' with routing key '{routingKey}'.",
        innerException)
{
    public string Exchange { get; } = exchange;

    public string RoutingKey { get; } = routingKey;

    /// <summary><c>true</c> when a mandatory message could not be routed to any queue.</summary>
    public bool Returned { get; } = returned;
}
