using System.Collections.Frozen;
using Microsoft.Extensions.Primitives;

namespace Fleet.Gateway.Proxy;

/// <summary>Headers that describe one connection (RFC 9110 §7.6.1) and so must not be forwarded.</summary>
public static class HopByHopHeaders
{
    private static readonly FrozenSet<string> Names = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "Connection",
        "Keep-Alive",
        "Proxy-Connection",
        "TE",
        "Trailer",
        "Transfer-Encoding",
        "Upgrade",
        "Proxy-Authenticate",
        "Proxy-Authorization");

    /// <summary>True for the fixed hop-by-hop headers and for any header the Connection header names.</summary>
    public static bool IsHopByHop(string name, StringValues connection) =>
        Names.Contains(name) || (connection.Count > 0 && IsListed(name, connection));

    private static bool IsListed(string name, StringValues connection)
    {
        foreach (var value in connection)
        {
            foreach (var range in value.AsSpan().Split(','))
            {
                if (value.AsSpan(range).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
