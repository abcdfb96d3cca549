using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Fleet.ServiceDefaults.Authentication.Jwks;

/// <summary>
/// AuthService's signing keys, fetched from its JWKS and kept in memory: validating a token costs no call to
/// AuthService. The set is fetched again when it is older than <see cref="FleetAuthenticationOptions.JwksRefreshInterval"/>
/// or when a token names a <c>kid</c> it does not hold (key rotation), but never more often than
/// <see cref="FleetAuthenticationOptions.JwksMinimumRefreshInterval"/>, and by one request at a time.
/// A failed fetch keeps the keys already held.
/// </summary>
public sealed partial class JwksKeyStore(
    IHttpClientFactory httpClientFactory,
    IOptionsMonitor<FleetAuthenticationOptions> options,
    ILogger<JwksKeyStore> logger)
{
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile KeySet? _keys;
    private long _lastAttempt = long.MinValue;

    /// <summary>The keys held now (possibly none).</summary>
    public IReadOnlyList<SecurityKey> Keys => _keys?.Keys ?? [];

    /// <summary>The keys to check a token's signature with: those with its <c>kid</c>, or all when it names none.</summary>
    public IEnumerable<SecurityKey> KeysFor(string? kid)
    {
        var keys = Keys;
        return string.IsNullOrEmpty(kid) ? keys : keys.Where(key => key.KeyId == kid);
    }

    /// <summary>Makes sure the keys are fresh and, if the rate limit allows, that the key named <paramref name="kid"/> is held.</summary>
    public ValueTask EnsureKeyAsync(string? kid, CancellationToken cancellationToken)
    {
        var current = _keys;
        if (current is not null && !IsStale(current) && (string.IsNullOrEmpty(kid) || current.Contains(kid)))
        {
            return ValueTask.CompletedTask;
        }

        return new ValueTask(RefreshAsync(current, cancellationToken));
    }

    private bool IsStale(KeySet keys) =>
        Stopwatch.GetElapsedTime(keys.FetchedAt) >= options.CurrentValue.JwksRefreshInterval;

    private async Task RefreshAsync(KeySet? seen, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!ReferenceEquals(_keys, seen))
            {
                return; // another request fetched while this one waited
            }

            var settings = options.CurrentValue;
            var lastAttempt = Interlocked.Read(ref _lastAttempt);
            if (lastAttempt != long.MinValue && Stopwatch.GetElapsedTime(lastAttempt) < settings.JwksMinimumRefreshInterval)
            {
                return;
            }

            Interlocked.Exchange(ref _lastAttempt, Stopwatch.GetTimestamp());
            if (settings.AuthServiceUrl is not { Length: > 0 } authService)
            {
                LogNoAuthService(logger);
                return;
            }

            var jwksUri = new Uri(new Uri(authService, UriKind.Absolute), settings.JwksPath);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(FetchTimeout);
                var http = httpClientFactory.CreateClient(FleetAuthenticationDefaults.HttpClientName);
                var json = await http.GetStringAsync(jwksUri, timeout.Token);
                var keys = new JsonWebKeySet(json).GetSigningKeys()
                    .Where(key => key is not JsonWebKey { Use: "enc" })
                    .ToList();
                _keys = new KeySet(keys, Stopwatch.GetTimestamp());
                LogFetched(logger, keys.Count, jwksUri);
            }
            catch (Exception e) when (e is HttpRequestException or ArgumentException or OperationCanceledException
                                          && !cancellationToken.IsCancellationRequested)
            {
                LogFetchFailed(logger, e, jwksUri);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed class KeySet(IReadOnlyList<SecurityKey> keys, long fetchedAt)
    {
        public IReadOnlyList<SecurityKey> Keys { get; } = keys;

        public long FetchedAt { get; } = fetchedAt;

        public bool Contains(string kid)
        {
            foreach (var key in Keys)
            {
                if (key.KeyId == kid)
                {
                    return true;
                }
            }

            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetched {Count} signing keys from {JwksUri}")]
    private static partial void LogFetched(ILogger logger, int count, Uri jwksUri);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fetch the signing keys from {JwksUri}; keeping the keys held")]
    private static partial void LogFetchFailed(ILogger logger, Exception exception, Uri jwksUri);

    [LoggerMessage(Level = LogLevel.Error, Message = "AuthService's address is not configured (services:auth:http:0 or Auth:AuthServiceUrl): no token can be validated")]
    private static partial void LogNoAuthService(ILogger logger);
}
