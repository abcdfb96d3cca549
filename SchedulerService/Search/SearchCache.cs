using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Fleet.SchedulerService.Search;

/// <summary>
/// Cache-aside in Redis for search answers, keyed by the catalogue's version and the normalised range. A change to the
/// catalogue bumps the version, so every answer cached before it is never read again (and expires); an answer computed
/// from the old catalogue while the version moved is stored under the old version, where no one looks. Redis being away
/// costs speed, never an answer: the search then reads the database.
/// <para>
/// In front of Redis, each replica keeps the answers it served in memory for a few seconds, under the same keys. It
/// reads them only while it knows the current version: every bump is published, and a replica forgets the version
/// whenever its connection to Redis drops (it may have missed one) until a lookup tells it again. A change it still
/// failed to hear of is stale there for <see cref="SearchOptions.LocalCacheFor"/> at most.
/// </para>
/// </summary>
public sealed class SearchCache : IDisposable
{
    private const string VersionKey = "scheduler:search:version";
    private const long Unknown = -1;

    // An answer's key: this, the catalogue's version, ':', the range's key.
    private const string AnswerPrefix = "scheduler:search:";
    private static readonly RedisChannel VersionChanged = RedisChannel.Literal("scheduler:search:version-changed");

    // One round trip: the version, and the answer cached under it.
    private static readonly LuaScript Lookup = LuaScript.Prepare("""
        local version = redis.call('GET', @versionKey) or '0'
        return { version, redis.call('GET', @prefix .. version .. ':' .. @range) }
        """);

    private readonly IConnectionMultiplexer _redis;
    private readonly SearchOptions _options;
    private readonly ILogger<SearchCache> _logger;
    private readonly MemoryCache _local;
    private long _version = Unknown;
    private Task? _subscription;

    public SearchCache(IConnectionMultiplexer redis, IOptions<SearchOptions> options, ILogger<SearchCache> logger)
    {
        (_redis, _options, _logger) = (redis, options.Value, logger);
        _local = new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.LocalCacheEntries });
        _redis.ConnectionFailed += ForgetVersion;
        _redis.ConnectionRestored += ForgetVersion;
    }

    /// <summary>The cached answer (null on a miss), and the version to store a fresh one under.</summary>
    public async Task<(byte[]? Answer, string Version)> GetAsync(SearchRange range)
    {
        var known = Volatile.Read(ref _version);
        if (known != Unknown && _local.TryGetValue((known, range.Key), out byte[]? local))
        {
            return (local, known.ToString());
        }

        try
        {
            var listening = ListenForChanges();
            var result = (RedisResult[])(await _redis.GetDatabase().ScriptEvaluateAsync(Lookup,
                new { versionKey = (RedisKey)VersionKey, prefix = (RedisKey)AnswerPrefix, range = range.Key }))!;
            var version = (long)result[0];
            var answer = (byte[]?)result[1];
            if (listening.IsCompletedSuccessfully)
            {
                Learn(version);
            }
            if (answer is not null)
            {
                KeepLocally(version, range, answer);
            }
            return (answer, version.ToString());
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            _logger.LogWarning(exception, "Search cache unavailable; reading the catalogue");
            return (null, "");
        }
    }

    public async Task SetAsync(SearchRange range, string version, byte[] answer)
    {
        if (version.Length == 0)
        {
            return;
        }
        KeepLocally(long.Parse(version), range, answer);
        try
        {
            await _redis.GetDatabase().StringSetAsync($"{AnswerPrefix}{version}:{range.Key}", answer, _options.CacheFor, flags: CommandFlags.FireAndForget);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            _logger.LogWarning(exception, "Search answer not cached");
        }
    }

    /// <summary>Makes every cached answer stale, on every replica: called after the catalogue changed.</summary>
    public async Task InvalidateAsync()
    {
        var version = await _redis.GetDatabase().StringIncrementAsync(VersionKey);
        Learn(version);
        await _redis.GetSubscriber().PublishAsync(VersionChanged, version);
    }

    public void Dispose()
    {
        _redis.ConnectionFailed -= ForgetVersion;
        _redis.ConnectionRestored -= ForgetVersion;
        _local.Dispose();
    }

    /// <summary>Subscribes once (again, if the last attempt failed); a version learnt before it completes is not trusted.</summary>
    private Task ListenForChanges()
    {
        var subscription = Volatile.Read(ref _subscription);
        if (subscription is null || subscription.IsFaulted)
        {
            var attempt = _redis.GetSubscriber().SubscribeAsync(VersionChanged, (_, version) => Learn((long)version));
            subscription = Interlocked.CompareExchange(ref _subscription, attempt, subscription) == subscription ? attempt : _subscription!;
        }
        return subscription;
    }

    /// <summary>Versions only grow: a lookup that read the version before a bump it has since heard of does not undo it.</summary>
    private void Learn(long version)
    {
        for (var known = Volatile.Read(ref _version); version > known; known = Volatile.Read(ref _version))
        {
            if (Interlocked.CompareExchange(ref _version, version, known) == known)
            {
                return;
            }
        }
    }

    private void ForgetVersion(object? sender, ConnectionFailedEventArgs e) => Volatile.Write(ref _version, Unknown);

    private void KeepLocally(long version, SearchRange range, byte[] answer) =>
        _local.Set((version, range.Key), answer, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _options.LocalCacheFor });
}
