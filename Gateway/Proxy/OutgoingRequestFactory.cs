using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Fleet.Gateway.Proxy;

/// <summary>Builds the request sent to a destination from the caller's request.</summary>
public static class OutgoingRequestFactory
{
    private const string XForwardedFor = "X-Forwarded-For";
    private const string XForwardedProto = "X-Forwarded-Proto";
    private const string XForwardedHost = "X-Forwarded-Host";

    /// <summary>The streamed body, or null when the request has none. Carries the content headers.</summary>
    public static StreamingRequestContent? CreateContent(HttpRequest request)
    {
        var canHaveBody = request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody
            ?? request.ContentLength > 0;
        if (!canHaveBody)
        {
            return null;
        }

        var content = new StreamingRequestContent(request.Body);
        var connection = request.Headers.Connection;
        foreach (var (name, values) in request.Headers)
        {
            if (IsContentHeader(name) && !HopByHopHeaders.IsHopByHop(name, connection))
            {
                content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        return content;
    }

    public static HttpRequestMessage Create(HttpContext context, Destination destination, StreamingRequestContent? content, string requestId)
    {
        var request = context.Request;
        var message = new HttpRequestMessage(
            HttpMethod.Parse(request.Method),
            destination.Resolve(request.Path.ToUriComponent(), request.QueryString.Value))
        {
            Content = content,
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        // With an activity the HTTP handler writes the current trace context; the caller's would be stale.
        var skipTraceContext = Activity.Current is not null;
        var headers = message.Headers;
        var connection = request.Headers.Connection;
        foreach (var (name, values) in request.Headers)
        {
            if (HopByHopHeaders.IsHopByHop(name, connection)
                || IsContentHeader(name)
                || name.Equals(HeaderNames.Host, StringComparison.OrdinalIgnoreCase)
                || name.Equals(RequestId.HeaderName, StringComparison.OrdinalIgnoreCase)
                || (skipTraceContext && IsTraceContextHeader(name)))
            {
                continue;
            }

            if (values.Count == 1)
            {
                headers.TryAddWithoutValidation(name, values.ToString());
            }
            else
            {
                headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        // Adding to a header the caller already sent appends to it: "client, proxy1, gateway-peer".
        headers.TryAddWithoutValidation(XForwardedFor, context.Connection.RemoteIpAddress?.ToString());
        headers.TryAddWithoutValidation(XForwardedProto, request.Scheme);
        headers.TryAddWithoutValidation(XForwardedHost, request.Host.Value);
        headers.TryAddWithoutValidation(RequestId.HeaderName, requestId);
        return message;
    }

    private static bool IsContentHeader(string name) =>
        name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.Expires, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.LastModified, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.Allow, StringComparison.OrdinalIgnoreCase);

    private static bool IsTraceContextHeader(string name) =>
        name.Equals(HeaderNames.TraceParent, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.TraceState, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.Baggage, StringComparison.OrdinalIgnoreCase);
}
