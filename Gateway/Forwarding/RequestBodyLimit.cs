using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace Fleet.Gateway.Forwarding;

/// <summary>
/// Proxy pipeline step: a body larger than the route allows (its <c>MaxRequestBodySize</c>, else
/// <c>Gateway:Forwarding:MaxRequestBodySize</c>) is answered 413 by the gateway. An announced length is refused
/// before the service is contacted; a chunked body that grows past the limit is cut off by Kestrel while it
/// streams, and <see cref="ForwardingProblems"/> answers 413.
/// </summary>
public sealed class RequestBodyLimit(IOptions<ForwardingOptions> options)
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var limit = For(context);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        if (limit is { } max && context.Request.ContentLength > max)
        {
            var service = context.GetReverseProxyFeature().Cluster.Config.ClusterId;
            return ProxyProblems.BodyTooLarge(service, max).ExecuteAsync(context);
        }

        return next(context);
    }

    /// <summary>The limit for this request's route, in bytes; null when there is none.</summary>
    public long? For(HttpContext context) =>
        context.GetReverseProxyFeature().Route.Config.MaxRequestBodySize switch
        {
            < 0 => null,
            { } routeLimit => routeLimit,
            null => options.Value.MaxRequestBodySize,
        };
}
