using Yarp.ReverseProxy.Forwarder;

namespace Fleet.Gateway.Forwarding;

/// <summary>Failures to establish the connection: nothing reached the destination, so any request may go elsewhere.</summary>
public static class ConnectFailures
{
    public static bool IsConnectFailure(this IForwarderErrorFeature? error) =>
        error is { Error: ForwarderError.Request or ForwarderError.RequestTimedOut } && error.Exception switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
            // SocketsHttpHandler's ConnectTimeout: a cancellation that no token of ours asked for.
            OperationCanceledException { InnerException: TimeoutException } => true,
            _ => false,
        };
}
