using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace Fleet.AuthService.Clients;

/// <summary>
/// OpenIddict's application manager, remembering client secrets it has verified. OpenIddict stores secrets as PBKDF2
/// hashes (10,000 rounds), which costs milliseconds of CPU for every token a machine client asks for; a secret that
/// matched once is remembered here, keyed by the stored hash and a SHA-256 of the secret, so that a rotated secret is
/// never taken for the new one. Only matches are remembered: a wrong secret always pays the full PBKDF2.
/// </summary>
public sealed class CachingApplicationManager<TApplication>(
    IOpenIddictApplicationCache<TApplication> cache,
    ILogger<OpenIddictApplicationManager<TApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<TApplication> store,
    VerifiedClientSecrets verified)
    : OpenIddictApplicationManager<TApplication>(cache, logger, options, store) where TApplication : class
{
    public override async ValueTask<bool> ValidateClientSecretAsync(
        TApplication application, string secret, CancellationToken cancellationToken = default)
    {
        var stored = await Store.GetClientSecretAsync(application, cancellationToken);
        if (string.IsNullOrEmpty(stored) || string.IsNullOrEmpty(secret))
        {
            return await base.ValidateClientSecretAsync(application, secret, cancellationToken);
        }
        var key = stored + ":" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        if (verified.Contains(key))
        {
            return true;
        }
        var valid = await base.ValidateClientSecretAsync(application, secret, cancellationToken);
        if (valid)
        {
            verified.Add(key);
        }
        return valid;
    }
}

/// <summary>The secrets <see cref="CachingApplicationManager{TApplication}"/> verified lately, for every request (the manager is scoped).</summary>
public sealed class VerifiedClientSecrets
{
    private readonly MemoryCache _keys = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public bool Contains(string key) => _keys.TryGetValue(key, out _);

    public void Add(string key) =>
        _keys.Set(key, true, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(10) });
}
