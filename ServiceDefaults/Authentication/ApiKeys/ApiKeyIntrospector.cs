using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.ServiceDefaults.Authentication.ApiKeys;

/// <summary>
/// Asks AuthService whether an API key is active (RFC 7662 introspection, as this service's client) and
/// remembers the answer, active or not, for <see cref="FleetAuthenticationOptions.ApiKeyCacheDuration"/>, keyed
/// by the key's SHA-256: repeated requests with one key cost one call a minute. Concurrent requests with the
/// same key share one call. Failures (AuthService down, bad client credentials) are not remembered.
/// </summary>
public sealed partial class ApiKeyIntrospector(
    IHttpClientFactory httpClientFactory,
    IOptionsMonitor<FleetAuthenticationOptions> options,
    ILogger<ApiKeyIntrospector> logger)
{
    private const int MaxEntries = 50_000;
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async Task<ApiKeyIntrospection> IntrospectAsync(string apiKey, CancellationToken cancellationToken)
    {
        var hash = Hash(apiKey);
        while (true)
        {
            if (_entries.TryGetValue(hash, out var entry))
            {
                if (IsUsable(entry))
                {
                    return (await entry.Answer.Value.WaitAsync(cancellationToken)).Introspection;
                }

                _entries.TryRemove(KeyValuePair.Create(hash, entry));
                continue;
            }

            if (_entries.Count >= MaxEntries)
            {
                Prune();
            }

            var fresh = new Entry(new Lazy<Task<Cached>>(() => CallAsync(apiKey)));
            if (_entries.TryAdd(hash, fresh))
            {
                return (await fresh.Answer.Value.WaitAsync(cancellationToken)).Introspection;
            }
        }
    }

    /// <summary>
    /// True when checking this key needs no call to AuthService: an answer, active or not, is held, or a call for
    /// it is under way. The gateway authenticates such keys before its rate limiter, and the others after it.
    /// </summary>
    public bool HoldsAnswerFor(string apiKey) => _entries.TryGetValue(Hash(apiKey), out var entry) && IsUsable(entry);

    private static string Hash(string apiKey) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    private static bool IsUsable(Entry entry) =>
        !entry.Answer.IsValueCreated || !entry.Answer.Value.IsCompleted
        || (entry.Answer.Value.IsCompletedSuccessfully && Stopwatch.GetTimestamp() < entry.Answer.Value.Result.CachedUntil);

    private async Task<Cached> CallAsync(string apiKey)
    {
        var settings = options.CurrentValue;
        if (settings.AuthServiceUrl is not { Length: > 0 } authService)
        {
            throw new ApiKeyIntrospectionException("AuthService's address is not configured (services:auth:http:0 or Auth:AuthServiceUrl).");
        }

        if (string.IsNullOrEmpty(settings.ClientId) || string.IsNullOrEmpty(settings.ClientSecret))
        {
            throw new ApiKeyIntrospectionException("Auth:ClientId and Auth:ClientSecret are needed to introspect API keys.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(authService, UriKind.Absolute), settings.IntrospectionPath))
        {
            Content = new FormUrlEncodedContent([new("token", apiKey), new("token_type_hint", "api_key")]),
        };
        // RFC 6749 2.3.1: client id and secret are form-encoded before they are joined.
        var credentials = $"{Uri.EscapeDataString(settings.ClientId)}:{Uri.EscapeDataString(settings.ClientSecret)}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));

        try
        {
            using var timeout = new CancellationTokenSource(CallTimeout);
            var http = httpClientFactory.CreateClient(FleetAuthenticationDefaults.HttpClientName);
            using var response = await http.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogRefused(logger, (int)response.StatusCode);
                throw new ApiKeyIntrospectionException($"AuthService answered the introspection with {(int)response.StatusCode}.");
            }

            var answer = await response.Content.ReadFromJsonAsync<IntrospectionResponse>(timeout.Token)
                ?? throw new ApiKeyIntrospectionException("AuthService's introspection answer was empty.");
            var cachedUntil = Stopwatch.GetTimestamp() + (long)(settings.ApiKeyCacheDuration.TotalSeconds * Stopwatch.Frequency);
            DateTimeOffset? expires = answer.Exp is { } exp ? DateTimeOffset.FromUnixTimeSeconds(exp) : null;
            var active = answer.Active && answer.TokenType == "api_key" && !string.IsNullOrEmpty(answer.Sub)
                && (expires is null || expires > DateTimeOffset.UtcNow);
            if (active && expires is { } until)
            {
                // Never remember a key as active past its own expiry.
                var left = until - DateTimeOffset.UtcNow;
                cachedUntil = Math.Min(cachedUntil, Stopwatch.GetTimestamp() + (long)(left.TotalSeconds * Stopwatch.Frequency));
            }

            var introspection = active
                ? new ApiKeyIntrospection(true, answer.Sub, answer.Scope ?? "", answer.ClientId, expires)
                : ApiKeyIntrospection.Inactive;
            return new Cached(introspection, cachedUntil);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException)
        {
            LogFailed(logger, e);
            throw new ApiKeyIntrospectionException("AuthService could not be asked about the API key.", e);
        }
    }

    private void Prune()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var (hash, entry) in _entries)
        {
            if (entry.Answer.IsValueCreated && entry.Answer.Value is { IsCompleted: true } task
                && (!task.IsCompletedSuccessfully || task.Result.CachedUntil <= now))
            {
                _entries.TryRemove(KeyValuePair.Create(hash, entry));
            }
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear(); // a flood of distinct keys: start over rather than grow without bound
        }
    }

    private sealed record Entry(Lazy<Task<Cached>> Answer);

    private sealed record Cached(ApiKeyIntrospection Introspection, long CachedUntil);

    private sealed class IntrospectionResponse
    {
        [JsonPropertyName("active")]
        public bool Active { get; set; }

        /// <summary>Must be <c>api_key</c>: an active access or refresh token is no API key.</summary>
        [JsonPropertyName("token_type")]
        public string? TokenType { get; set; }

        [JsonPropertyName("sub")]
        public string? Sub { get; set; }

        [JsonPropertyName("scope")]
        public string? Scope { get; set; }

        [JsonPropertyName("client_id")]
        public string? ClientId { get; set; }

        [JsonPropertyName("exp")]
        public long? Exp { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "AuthService refused the API key introspection with {StatusCode}; are Auth:ClientId/Auth:ClientSecret right and is the client allowed to introspect?")]
    private static partial void LogRefused(ILogger logger, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "API key introspection at AuthService failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

/// <summary>AuthService's answer about an API key.</summary>
public sealed record ApiKeyIntrospection(bool Active, string? Subject, string Scope, string? ClientId, DateTimeOffset? Expires)
{
    public static ApiKeyIntrospection Inactive { get; } = new(false, null, "", null, null);
}

public sealed class ApiKeyIntrospectionException(string message, Exception? inner = null) : Exception(message, inner);
