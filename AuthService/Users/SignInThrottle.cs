using System.Net;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Fleet.AuthService.Users;

/// <summary>
/// Slows password guessing without letting a stranger lock anyone out. Every attempt is counted in Redis, within a
/// window of <see cref="AuthOptions.LockoutDuration"/>, before the password is checked (so that parallel guesses count
/// too), and a success takes its attempt back:
/// <list type="bullet">
/// <item>per account and source: after <see cref="AuthOptions.MaxFailedAccessAttempts"/>, that source may not try that account;</item>
/// <item>per source: after <see cref="AuthOptions.MaxFailuresPerSource"/>, that source may not try any account;</item>
/// <item>per account: after <see cref="AuthOptions.MaxFailuresPerAccount"/> from everywhere, only sources the user
/// signed in from before may try it.</item>
/// </list>
/// The account's owner, from a source of their own, is refused by none of these. A source is the caller's address as the
/// gateway saw it (the last X-Forwarded-For entry). Without Redis, attempts are not throttled: sign-in keeps working.
/// </summary>
public sealed class SignInThrottle(IConnectionMultiplexer redis, IOptions<AuthOptions> options, ILogger<SignInThrottle> logger)
{
    private static readonly TimeSpan KnownSourcesFor = TimeSpan.FromDays(30);

    /// <summary>Counts an attempt of <paramref name="source"/> on the account; false when it may not be made.</summary>
    public async Task<bool> TryBeginAsync(Guid? userId, IPAddress? source)
    {
        var settings = options.Value;
        var keys = Keys.For(userId, source);
        try
        {
            var batch = redis.GetDatabase().CreateBatch();
            var bySource = Count(batch, keys.Source, settings.LockoutDuration);
            var byPair = keys.Pair is null ? null : Count(batch, keys.Pair, settings.LockoutDuration);
            var byAccount = keys.Account is null ? null : Count(batch, keys.Account, settings.LockoutDuration);
            var known = keys.Known is null ? null : batch.SetContainsAsync(keys.Known, keys.SourceName);
            batch.Execute();
            return await bySource <= settings.MaxFailuresPerSource
                && (byPair is null || await byPair <= settings.MaxFailedAccessAttempts)
                && (byAccount is null || await byAccount <= settings.MaxFailuresPerAccount || await known!);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "Sign-in attempts are not throttled: Redis is not answering");
            return true;
        }
    }

    /// <summary>The attempt succeeded: it takes its count back, and the source becomes one the user is known to use.</summary>
    public async Task SucceededAsync(Guid userId, IPAddress? source)
    {
        var keys = Keys.For(userId, source);
        try
        {
            var batch = redis.GetDatabase().CreateBatch();
            Task[] tasks =
            [
                batch.StringDecrementAsync(keys.Source),
                batch.StringDecrementAsync(keys.Account!),
                batch.KeyDeleteAsync(keys.Pair!),
                batch.SetAddAsync(keys.Known!, keys.SourceName),
                batch.KeyExpireAsync(keys.Known!, KnownSourcesFor),
            ];
            batch.Execute();
            await Task.WhenAll(tasks);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "A successful sign-in was not recorded: Redis is not answering");
        }
    }

    private static Task<long> Count(IBatch batch, string key, TimeSpan window)
    {
        var count = batch.StringIncrementAsync(key);
        _ = batch.KeyExpireAsync(key, window, ExpireWhen.HasNoExpiry); // a fixed window from the first attempt
        return count;
    }

    private sealed record Keys(string SourceName, string Source, string? Pair, string? Account, string? Known)
    {
        public static Keys For(Guid? userId, IPAddress? source)
        {
            var name = source?.ToString() ?? "unknown";
            return userId is { } id
                ? new(name, $"auth:signin:source:{name}", $"auth:signin:pair:{id}:{name}", $"auth:signin:account:{id}", $"auth:signin:known:{id}")
                : new(name, $"auth:signin:source:{name}", null, null, null);
        }
    }
}
