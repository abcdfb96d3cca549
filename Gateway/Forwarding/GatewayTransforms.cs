using Microsoft.AspNetCore.Http.Timeouts;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Fleet.Gateway.Forwarding;

/// <summary>
/// What every route adds to YARP's defaults: X-Forwarded-For/-Proto/-Host appended to what the caller sent,
/// an X-Request-Id to the service and back to the caller, the hop-by-hop headers YARP lets through removed, and the route's timeout covering only the wait for
/// the response headers (a long download may take as long as it takes).
/// </summary>
public sealed class GatewayTransforms : ITransformProvider
{
    private static readonly object RequestIdKey = new();

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        context.UseDefaultForwarders = false;
        context.AddXForwarded(ForwardedTransformActions.Append);
        context.AddRequestTransform(static transform =>
        {
            var request = transform.HttpContext.Request;
            HopByHopHeaders.RemoveFrom(transform.ProxyRequest.Headers, request.Headers.Connection);
            var requestId = RequestId.GetOrCreate(request);
            transform.HttpContext.Items[RequestIdKey] = requestId;
            transform.ProxyRequest.Headers.Remove(RequestId.HeaderName);
            transform.ProxyRequest.Headers.TryAddWithoutValidation(RequestId.HeaderName, requestId);
            return ValueTask.CompletedTask;
        });
        // Runs once the service's headers are in (or, with no response, when forwarding failed).
        context.AddResponseTransform(static transform =>
        {
            var httpContext = transform.HttpContext;
            if (transform.ProxyResponse is not null)
            {
                httpContext.Features.Get<IHttpRequestTimeoutFeature>()?.DisableTimeout();
                HopByHopHeaders.RemoveFrom(httpContext.Response.Headers, transform.ProxyResponse.Headers);
            }

            if (httpContext.Items[RequestIdKey] is string requestId)
            {
                httpContext.Response.Headers[RequestId.HeaderName] = requestId;
            }

            return ValueTask.CompletedTask;
        });
    }
}
