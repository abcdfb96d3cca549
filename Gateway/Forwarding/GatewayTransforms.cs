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
            transform.ProxyRequest.Headers.Remove(RequestId.HeaderName);
            transform.ProxyRequest.Headers.TryAddWithoutValidation(RequestId.HeaderName, requestId);
            // Set now, so that an answer the gateway gives itself (502, 504) carries it too.
            transform.HttpContext.Response.Headers[RequestId.HeaderName] = requestId;
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

            // YARP appends the service's own X-Request-Id, if it sent one, after ours: the caller gets ours alone.
            var requestIds = httpContext.Response.Headers[RequestId.HeaderName];
            if (requestIds.Count > 1)
            {
                httpContext.Response.Headers[RequestId.HeaderName] = requestIds[0];
            }

            return ValueTask.CompletedTask;
        });
    }
}
