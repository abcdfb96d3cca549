using Fleet.AuthService.Keys;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fleet.AuthService.Tokens;

/// <summary>RFC 9068 JWT access tokens (<c>typ: at+jwt</c>), ES256 with the active signing key.</summary>
public sealed class TokenIssuer(SigningKeyStore keys, IOptions<AuthOptions> options, TimeProvider time)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public async Task<(string Token, int ExpiresIn)> CreateAccessTokenAsync(
        string subject, string clientId, IEnumerable<string> scopes, IReadOnlyCollection<string>? roles, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = subject,
            ["client_id"] = clientId,
            ["scope"] = Scopes.Format(scopes),
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        };
        if (roles is not null)
        {
            claims["roles"] = roles.ToArray();
        }

        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + settings.AccessTokenLifetime,
            Claims = claims,
            TokenType = "at+jwt",
            SigningCredentials = await keys.GetSigningCredentialsAsync(cancellationToken),
        });
        return (token, (int)settings.AccessTokenLifetime.TotalSeconds);
    }
}
