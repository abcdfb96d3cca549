using OpenIddict.Abstractions;
using System.Security.Claims;
using Fleet.AuthService.Data;
using Fleet.AuthService.Protocol;
using Fleet.AuthService.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers;

namespace Fleet.AuthService.ApiKeys;

/// <summary>
/// API keys are Fleet's, not OpenIddict's, but are introspected at the same endpoint (RFC 7662), by the same clients,
/// with the same client authentication: once OpenIddict has authenticated the caller, a key takes the place of the
/// token it would validate. The answer is <c>token_type: api_key</c>. Under <c>token_type_hint=api_key</c> only keys
/// are answered: a JWT or refresh token presented as a key is inactive, so a resource server checking keys cannot be
/// handed a user's session token instead.
/// </summary>
public static class ApiKeyIntrospection
{
    public const string TokenType = "api_key";

    public static void Register(OpenIddictServerBuilder server)
    {
        server.AddEventHandler<ProcessAuthenticationContext>(handler => handler
            .UseSingletonHandler<LeaveApiKeysToFleet>()
            .SetOrder(ValidateGenericToken.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ValidateIntrospectionRequestContext>(handler => handler
            .UseScopedHandler<ValidateApiKey>()
            .SetOrder(Introspection.ValidateEndpointPermissions.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<HandleIntrospectionRequestContext>(handler => handler
            .UseSingletonHandler<DescribeApiKey>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom));
    }

    private static bool IsApiKeyRequest(string? token, string? hint, out string keyId)
    {
        keyId = "";
        return token is not null && (ApiKeyFormat.TryGetId(token, out keyId) || hint == TokenType);
    }

    /// <summary>OpenIddict does not validate what is (or is hinted to be) an API key: <see cref="ValidateApiKey"/> does.</summary>
    private sealed class LeaveApiKeysToFleet : IOpenIddictServerHandler<ProcessAuthenticationContext>
    {
        public ValueTask HandleAsync(ProcessAuthenticationContext context)
        {
            if (context.EndpointType is OpenIddictServerEndpointType.Introspection
                && IsApiKeyRequest(context.GenericToken, context.GenericTokenTypeHint, out _))
            {
                context.ValidateGenericToken = false;
            }
            return default;
        }
    }

    /// <summary>After OpenIddict has authenticated the caller and checked that it may introspect.</summary>
    private sealed class ValidateApiKey(AuthDbContext db, UserManager<FleetUser> users, TimeProvider time)
        : IOpenIddictServerHandler<ValidateIntrospectionRequestContext>
    {
        public async ValueTask HandleAsync(ValidateIntrospectionRequestContext context)
        {
            var request = context.Request;
            if (!IsApiKeyRequest(request.Token, request.TokenTypeHint, out var keyId))
            {
                return;
            }
            if (keyId.Length == 0 || await ValidateAsync(keyId, request.Token!, context.CancellationToken) is not { } principal)
            {
                context.Reject(Errors.InvalidToken, "The API key is unknown, expired or revoked.");
                return;
            }
            context.GenericTokenPrincipal = principal;
        }

        private async Task<ClaimsPrincipal?> ValidateAsync(string id, string key, CancellationToken cancellationToken)
        {
            var apiKey = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
            if (apiKey is null || !Secrets.Matches(key, apiKey.SecretHash) || apiKey.RevokedAt is not null || apiKey.ExpiresAt <= time.GetUtcNow())
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
            var allowed = RoleScopes.ForRoles(await users.GetRolesAsync(user));
            var scopes = apiKey.Scopes.Where(s => s != RoleScopes.Admin && allowed.Contains(s)).ToArray();
            if (scopes.Length == 0)
            {
                return null;
            }
            var identity = new ClaimsIdentity(TokenType);
            identity.SetClaim(Claims.Subject, apiKey.UserId.ToString());
            identity.SetScopes(RoleScopes.Format(scopes).Split(' '));
            identity.SetTokenType(TokenTypeIdentifiers.AccessToken); // what OpenIddict's introspection checks accept
            if (apiKey.ExpiresAt is { } expiresAt)
            {
                identity.SetExpirationDate(expiresAt);
            }
            return new ClaimsPrincipal(identity);
        }
    }

    /// <summary>Last in the pipeline: a key's own type, where a token would have <c>Bearer</c>.</summary>
    private sealed class DescribeApiKey : IOpenIddictServerHandler<HandleIntrospectionRequestContext>
    {
        public ValueTask HandleAsync(HandleIntrospectionRequestContext context)
        {
            if (context.GenericTokenPrincipal?.Identity?.AuthenticationType == TokenType)
            {
                context.TokenType = TokenType;
                context.TokenUsage = null;
            }
            return default;
        }
    }
}
