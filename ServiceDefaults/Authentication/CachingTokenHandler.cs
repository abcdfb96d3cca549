using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fleet.ServiceDefaults.Authentication;

/// <summary>
/// Remembers tokens it has found valid until they expire, so a caller presenting the same access token again
/// costs a dictionary look-up instead of an ECDSA verification (which was two thirds of the gateway's work
/// per request). Only valid results are kept; the cache key is the whole token, so an altered token is
/// validated afresh, and an entry ends at the token's own <c>exp</c>.
/// </summary>
internal sealed class CachingTokenHandler(TimeProvider time) : JsonWebTokenHandler
{
    private static readonly TimeSpan MaxCacheTime = TimeSpan.FromMinutes(10);
    private readonly MemoryCache _valid = new(new MemoryCacheOptions { SizeLimit = 20_000 });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (_valid.TryGetValue(token, out TokenValidationResult? known) && known is not null)
        {
            // Each request gets its own identity: middleware may add claims to it.
            return new TokenValidationResult
            {
                IsValid = true,
                SecurityToken = known.SecurityToken,
                ClaimsIdentity = known.ClaimsIdentity.Clone(),
                Issuer = known.Issuer,
                TokenType = known.TokenType,
            };
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken jwt)
        {
            var now = time.GetUtcNow();
            var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
            if (expires > now)
            {
                _valid.Set(token, result, new MemoryCacheEntryOptions
                {
                    AbsoluteExpiration = expires < now + MaxCacheTime ? expires : now + MaxCacheTime,
                    Size = 1,
                });
            }
        }
        return result;
    }
}
