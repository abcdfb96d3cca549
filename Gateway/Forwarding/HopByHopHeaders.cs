using System.Net.Http.Headers;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Fleet.Gateway.Forwarding;

/// <summary>
/// The hop-by-hop headers (RFC 9110 §7.6.1) YARP leaves in: <c>Trailer</c>, and whatever the
/// <c>Connection</c> header names, in either direction. YARP drops the fixed ones itself.
/// </summary>
public static class HopByHopHeaders
{
    public static void RemoveFrom(HttpRequestHeaders proxyRequest, StringValues callersConnection)
    {
        proxyRequest.Remove(HeaderNames.Trailer);
        foreach (var name in Listed(callersConnection))
        {
            proxyRequest.Remove(name);
        }
    }

    public static void RemoveFrom(IHeaderDictionary response, HttpResponseHeaders servicesHeaders)
    {
        response.Remove(HeaderNames.Trailer);
        if (servicesHeaders.NonValidated.TryGetValues(HeaderNames.Connection, out var connection))
        {
            foreach (var name in Listed(connection.ToString()))
            {
                response.Remove(name);
            }
        }
    }

    private static IEnumerable<string> Listed(StringValues connection)
    {
        foreach (var value in connection)
        {
            foreach (var token in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                yield return token;
            }
        }
    }
}
