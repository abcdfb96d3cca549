using Fleet.ServiceDefaults.Authentication;
using Fleet.ServiceDefaults.Authentication.ApiKeys;

namespace Fleet.Gateway.Authentication;

/// <summary>
/// Authentication in two steps around the rate limiter, so that no caller can make the gateway ask AuthService
/// faster than the limiter lets it: what can be checked here (tokens, against the cached key set; API keys whose
/// answer is held) is checked before the limiter, which then counts the caller by client; an API key not seen
/// lately counts against the caller's IP address first, and only a request the limiter let through has it
/// introspected.
/// </summary>
public static class LimitBeforeRemoteChecks
{
    /// <summary>The first step; <c>UseRateLimiter()</c> and then <c>UseAuthentication()</c> follow.</summary>
    public static IApplicationBuilder UseAuthenticationWithoutRemoteChecks(this IApplicationBuilder app) =>
        app.UseWhen(static context => !NeedsIntrospection(context), static local => local.UseAuthentication());

    private static bool NeedsIntrospection(HttpContext context) =>
        context.Request.Headers.TryGetValue(FleetAuthenticationDefaults.ApiKeyHeader, out var keys)
        && !(keys.Count == 1 && keys[0] is { } key
             && context.RequestServices.GetRequiredService<ApiKeyIntrospector>().HoldsAnswerFor(key.Trim()));
}
