using System.Globalization;
using System.Threading.RateLimiting;
using Fleet.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Fleet.Gateway.RateLimiting;

/// <summary>
/// Rate limits on the forwarded routes (ASP.NET Core's rate limiter, token buckets): per client id for
/// authenticated callers, per remote IP for anonymous ones. A refused request is a 429 problem with
/// <c>Retry-After</c>. Health, docs and the gateway's own endpoints are not limited.
/// </summary>
public static class GatewayRateLimits
{
    public const string PolicyName = "per-client";

    public static IServiceCollection AddGatewayRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<GatewayRateLimitOptions>(configuration.GetSection(GatewayRateLimitOptions.SectionName));
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy<string, PerClientPolicy>(PolicyName);
            options.OnRejected = async (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await TypedResults.Problem(
                        $"Too many requests; try again in {seconds} s.",
                        statusCode: StatusCodes.Status429TooManyRequests,
                        title: "Too Many Requests",
                        type: "https://www.rfc-editor.org/rfc/rfc6585#section-4")
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    private sealed class PerClientPolicy(IOptionsMonitor<GatewayRateLimitOptions> options) : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null; // the shared one above

        public RateLimitPartition<string> GetPartition(HttpContext httpContext)
        {
            var settings = options.CurrentValue;
            if (!settings.Enabled)
            {
                return RateLimitPartition.GetNoLimiter("");
            }

            var user = httpContext.User;
            if (user.Identity?.IsAuthenticated == true && user.GetClientId() is { } clientId)
            {
                // A user's token (it carries roles) counts against that user, so the users of one client
                // application (fleet-cli) do not share, and exhaust, one bucket; a machine's against its client.
                var subject = user.FindFirst(FleetClaims.Subject)?.Value;
                return user.HasClaim(c => c.Type == FleetClaims.Roles) && subject is not null
                    ? TokenBucket($"user:{clientId}:{subject}", settings.Authenticated)
                    : TokenBucket($"client:{clientId}", settings.Clients.GetValueOrDefault(clientId) ?? settings.Authenticated);
            }

            return TokenBucket($"ip:{httpContext.Connection.RemoteIpAddress}", settings.Anonymous);
        }

        private static RateLimitPartition<string> TokenBucket(string key, RateLimitTier tier) =>
            RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokensPerPeriod = Math.Max(1, tier.PermitsPerSecond),
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                TokenLimit = Math.Max(Math.Max(1, tier.PermitsPerSecond), tier.Burst),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
    }
}
