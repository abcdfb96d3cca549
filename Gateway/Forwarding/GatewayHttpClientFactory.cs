using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Fleet.Gateway.Forwarding;

/// <summary>
/// YARP's HTTP client to the services, with the <c>Gateway:Forwarding</c> connect timeout and request bodies
/// that stream (<see cref="FlushingRequestContent"/>).
/// </summary>
public sealed class GatewayHttpClientFactory(IOptions<ForwardingOptions> options) : ForwarderHttpClientFactory
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.ConnectTimeout = options.Value.ConnectTimeout;
    }

    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new FlushingRequestBodies(base.WrapHandler(context, handler));

    private sealed class FlushingRequestBodies(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is { } content)
            {
                request.Content = new FlushingRequestContent(content);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
