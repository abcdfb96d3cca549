using Fleet.Gateway.Forwarding;

namespace Fleet.Gateway.Paths;

/// <summary>
/// Refuses (400) a path that still holds an encoded <c>.</c>, <c>/</c> or <c>\</c> once Kestrel has decoded it,
/// as <c>/auth/%252e%252e/health</c> does. The gateway routes on the decoded path; the service would decode it
/// again and could see <c>/auth/../health</c>, a path outside the route's prefix.
/// </summary>
public static class EncodedSeparatorGuard
{
    public static IApplicationBuilder UseEncodedSeparatorGuard(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
            HoldsEncodedSeparator(context.Request.Path.Value)
                ? ProxyProblems.AmbiguousPath().ExecuteAsync(context)
                : next(context));

    public static bool HoldsEncodedSeparator(string? path)
    {
        if (path is null)
        {
            return false;
        }

        for (var i = path.IndexOf('%'); i >= 0 && i + 2 < path.Length; i = path.IndexOf('%', i + 1))
        {
            var code = path.AsSpan(i + 1, 2);
            if (code.Equals("2e", StringComparison.OrdinalIgnoreCase)
                || code.Equals("2f", StringComparison.OrdinalIgnoreCase)
                || code.Equals("5c", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
