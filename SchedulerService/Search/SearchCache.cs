using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Fleet.SchedulerService.Search;

/// <summary>
/// Cache-aside in Redis for search answers, keyed by the catalogue's version and the normalised range. A change to the
/// catalogue bumps the version, so every answer cached before it is never read again (and expires); an answer computed
/// from the old catalogue while the version moved is stored under the old version, where no one looks. Redis being away
/// costs speed, never an answer: the search then reads the database.
/// </summary>
public sealed class SearchCache(IConnectionMultiplexer redis, IOptions<SearchOptions> options, ILogger<SearchCache> logger)
{
    private const string VersionKey = "scheduler:search:version";

    // An answer's key: this, the catalogue's version, ':', the range's key.
    private const string AnswerPrefix = "scheduler:search:";

    // One round trip: the version, and the answer cached under it.
    private static readonly LuaScript Lookup = LuaScript.Prepare("""
        local version = redis.call('GET', @versionKey) or '0'
        return { version, redis.call('GET', @prefix .. version .. ':' .. @range) }
        """);

    /// <summary>The cached answer (null on a miss), and the version to store a fresh one under.</summary>
    public async Task<(byte[]? Answer, string Version)> GetAsync(SearchRange range)
    {
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Lookup,
                new { versionKey = (RedisKey)VersionKey, prefix = (RedisKey)AnswerPrefix, range = range.Key }))!;
            return ((byte[]?)result[1], (string)result[0]!);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            logger.LogWarning(exception, "Search cache unavailable; reading the catalogue");
            return (null, "");
        }
    }

    public async Task SetAsync(SearchRange range, string version, byte[] answer)
    {
        if (version.Length == 0)
        {
            return;
        }
        try
        {
            await redis.GetDatabase().StringSetAsync($"{AnswerPrefix}{version}:{range.Key}", answer, options.Value.CacheFor, flags: CommandFlags.FireAndForget);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            logger.LogWarning(exception, "Search answer not cached");
        }
    }

    /// <summary>Makes every cached answer stale: called after the catalogue changed.</summary>
    public async Task InvalidateAsync() => await redis.GetDatabase().StringIncrementAsync(VersionKey);
}
