using Fleet.AuthService.ApiKeys;
using Fleet.AuthService.Clients;
using Fleet.AuthService.Data;
using Fleet.AuthService.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Fleet.AuthService.Tokens;

/// <summary>
/// RFC 7662 introspection of API keys, access tokens and refresh tokens, for clients allowed to introspect.
/// Anything unknown, expired or revoked is <c>{"active":false}</c>; with <c>token_type_hint=api_key</c>, so is
/// anything that is not an API key.
/// </summary>
public sealed class Introspection(
    AuthDbContext db, UserManager<FleetUser> users, IOptionsMonitor<JwtBearerOptions> bearer, TimeProvider time)
{
    private static readonly JsonWebTokenHandler Handler = new();

    public async Task<IResult> IntrospectAsync(OAuthClient client, OAuthRequest request, CancellationToken cancellationToken)
    {
        if (!client.CanIntrospect)
        {
            // The client is authenticated but not entitled: 403, as RFC 7662 §2.3 answers a caller without privileges.
            return new OAuthError("unauthorized_client", "This client may not use the introspection endpoint.", StatusCodes.Status403Forbidden);
        }
        if (request["token"] is not { } token)
        {
            return OAuthError.InvalidRequest("The token parameter is required.");
        }

        var isApiKey = ApiKeyFormat.TryGetId(token, out var keyId);
        // Under the api_key hint only API keys are answered: a JWT or refresh token presented as an API key is
        // inactive, so a resource server checking keys cannot be handed a user's session token instead.
        var apiKeysOnly = string.Equals(request["token_type_hint"], "api_key", StringComparison.Ordinal);
        var answer = isApiKey
            ? await ApiKeyAsync(keyId, token, cancellationToken)
            : apiKeysOnly
                ? null
                : token.Count(c => c == '.') == 2
                    ? await AccessTokenAsync(token)
                    : await RefreshTokenAsync(token, cancellationToken);
        return new OAuthJson(answer ?? new Dictionary<string, object?> { ["active"] = false });
    }

    private async Task<Dictionary<string, object?>?> ApiKeyAsync(string id, string key, CancellationToken cancellationToken)
    {
        var apiKey = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (apiKey is null || !Tokens.Secrets.Matches(key, apiKey.SecretHash) || apiKey.RevokedAt is not null
            || apiKey.ExpiresAt <= time.GetUtcNow())
        {
            return null;
        }
        // A key holds no more than its user may hold now: none if the user is gone, disabled or locked
        // out, and only the scopes the user's current roles still allow.
        var user = await users.FindByIdAsync(apiKey.UserId.ToString());
        if (user is null || UserStatus.IsDisabled(user) || await users.IsLockedOutAsync(user))
        {
            return null;
        }
        var allowed = Scopes.ForRoles(await users.GetRolesAsync(user));
        var scopes = apiKey.Scopes.Where(s => s != Scopes.Admin && allowed.Contains(s)).ToArray();
        if (scopes.Length == 0)
        {
            return null;
        }
        var answer = new Dictionary<string, object?>
        {
            ["active"] = true,
            ["sub"] = apiKey.UserId.ToString(),
            ["scope"] = Scopes.Format(scopes),
            ["client_id"] = null,
            ["token_type"] = "api_key",
        };
        if (apiKey.ExpiresAt is { } expiresAt)
        {
            answer["exp"] = expiresAt.ToUnixTimeSeconds();
        }
        return answer;
    }

    private async Task<Dictionary<string, object?>?> AccessTokenAsync(string token)
    {
        var options = bearer.Get(JwtBearerDefaults.AuthenticationScheme);
        var parameters = options.TokenValidationParameters.Clone();
        var configuration = await options.ConfigurationManager!.GetConfigurationAsync(CancellationToken.None);
        parameters.IssuerSigningKeys = configuration.SigningKeys;
        var result = await Handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return null;
        }
        return new Dictionary<string, object?>
        {
            ["active"] = true,
            ["sub"] = jwt.Subject,
            ["scope"] = jwt.TryGetPayloadValue<string>("scope", out var scope) ? scope : "",
            ["client_id"] = jwt.TryGetPayloadValue<string>("client_id", out var clientId) ? clientId : null,
            ["token_type"] = "access_token",
            ["exp"] = new DateTimeOffset(jwt.ValidTo).ToUnixTimeSeconds(),
            ["iat"] = new DateTimeOffset(jwt.IssuedAt).ToUnixTimeSeconds(),
            ["iss"] = jwt.Issuer,
            ["aud"] = jwt.Audiences.FirstOrDefault(),
            ["jti"] = jwt.Id,
        };
    }

    private async Task<Dictionary<string, object?>?> RefreshTokenAsync(string token, CancellationToken cancellationToken)
    {
        var hash = Tokens.Secrets.Hash(token);
        var refresh = await db.RefreshTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (refresh is null || refresh.UsedAt is not null || refresh.RevokedAt is not null || refresh.ExpiresAt <= time.GetUtcNow())
        {
            return null;
        }
        return new Dictionary<string, object?>
        {
            ["active"] = true,
            ["sub"] = refresh.UserId.ToString(),
            ["scope"] = refresh.Scope,
            ["client_id"] = refresh.ClientId,
            ["token_type"] = "refresh_token",
            ["exp"] = refresh.ExpiresAt.ToUnixTimeSeconds(),
        };
    }
}
