using System.Collections.Concurrent;
using Duende.IdentityModel.Client;
using Fleet.ServiceDefaults.Authentication;
using Microsoft.Extensions.Options;

namespace Fleet.SchedulerService.Jobs.Http;

/// <summary>
/// The scheduler's own access tokens: a client credentials grant at AuthService as <c>Auth:ClientId</c>, one token per
/// scope, reused until a minute before it expires (or until a call it was sent with answers 401).
/// </summary>
public sealed class ServiceTokens(IHttpClientFactory httpClients, IOptionsMonitor<FleetAuthenticationOptions> options, TimeProvider time)
{
    private static readonly TimeSpan RenewBeforeExpiry = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Token> _tokens = new();
    private readonly SemaphoreSlim _requesting = new(1, 1);

    public async Task<string> GetAsync(string scope, CancellationToken cancellationToken)
    {
        if (_tokens.TryGetValue(scope, out var cached) && time.GetUtcNow() < cached.RenewAt)
        {
            return cached.AccessToken;
        }

        await _requesting.WaitAsync(cancellationToken);
        try
        {
            if (_tokens.TryGetValue(scope, out cached) && time.GetUtcNow() < cached.RenewAt)
            {
                return cached.AccessToken;
            }

            var token = await RequestAsync(scope, cancellationToken);
            _tokens[scope] = token;
            return token.AccessToken;
        }
        finally
        {
            _requesting.Release();
        }
    }

    /// <summary>Forgets the token for <paramref name="scope"/>: one that a service refused is not sent again.</summary>
    public void Forget(string scope) => _tokens.TryRemove(scope, out _);

    private async Task<Token> RequestAsync(string scope, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (settings.AuthServiceUrl is not { Length: > 0 } authService || string.IsNullOrEmpty(settings.ClientId) || string.IsNullOrEmpty(settings.ClientSecret))
        {
            throw new ServiceTokenException("a token needs AuthService's address (services:auth:http:0), Auth:ClientId and Auth:ClientSecret");
        }

        var http = httpClients.CreateClient(FleetAuthenticationDefaults.HttpClientName);
        var response = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = new Uri(new Uri(authService, UriKind.Absolute), settings.TokenPath).ToString(),
            ClientId = settings.ClientId,
            ClientSecret = settings.ClientSecret,
            Scope = scope,
        }, cancellationToken);
        if (response.IsError || response.AccessToken is not { Length: > 0 } accessToken)
        {
            throw new ServiceTokenException($"AuthService gave no token for scope '{scope}': {response.Error} {response.ErrorDescription}".TrimEnd());
        }

        return new Token(accessToken, time.GetUtcNow() + TimeSpan.FromSeconds(response.ExpiresIn) - RenewBeforeExpiry);
    }

    private sealed record Token(string AccessToken, DateTimeOffset RenewAt);
}

public sealed class ServiceTokenException(string message) : Exception(message);
