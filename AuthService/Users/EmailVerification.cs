using Fleet.AuthService.ApiKeys;
using Fleet.AuthService.Protocol;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Fleet.AuthService.Users;

/// <summary>
/// Single-use e-mail verification keys in Redis, with a TTL. There is no mail server: in Development the link is
/// logged and returned; elsewhere only the issuing is logged.
/// </summary>
public sealed class EmailVerification(
    IConnectionMultiplexer redis, IOptions<AuthOptions> options, IHostEnvironment environment, ILogger<EmailVerification> logger)
{
    // GET and DEL in one step (the 1.2.6 client has no GETDEL), so a key can be redeemed only once.
    private const string TakeScript = "local v = redis.call('GET', KEYS[1]) if v then redis.call('DEL', KEYS[1]) end return v";

    public async Task<(string Key, string Link)> IssueAsync(FleetUser user)
    {
        var key = Secrets.NewSecret();
        await redis.GetDatabase().StringSetAsync(RedisKey(key), user.Id.ToString(), options.Value.EmailVerificationLifetime);
        var link = options.Value.IssuerUrl($"verify?key={key}");
        if (environment.IsDevelopment())
        {
            logger.LogInformation("E-mail verification link for {UserName} <{Email}>: {Link}", user.UserName, user.Email, link);
        }
        else
        {
            // The key is a credential: outside Development it never reaches the logs.
            logger.LogInformation("E-mail verification key issued for user {UserId}", user.Id);
        }
        return (key, link);
    }

    public async Task<Guid?> TakeAsync(string key)
    {
        if (key.Length is 0 or > 64)
        {
            return null;
        }
        var value = await redis.GetDatabase().ScriptEvaluateAsync(TakeScript, [RedisKey(key)]);
        return !value.IsNull && Guid.TryParse((string?)value, out var userId) ? userId : null;
    }

    private static RedisKey RedisKey(string key) => $"auth:verify:{key}";
}
