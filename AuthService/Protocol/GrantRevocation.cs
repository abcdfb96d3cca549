using Fleet.AuthService.Audit;
using Fleet.ServiceDefaults.Audit;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers;

namespace Fleet.AuthService.Protocol;

/// <summary>
/// Revoking a refresh token ends the whole sign-in it belongs to: its authorization and every token of it, including a
/// child that a refresh running at the same moment issues (OpenIddict refuses any token of a revoked authorization).
/// This takes the place of OpenIddict's own step, which revokes the one token presented and, when a refresh redeems
/// that token at the same moment, fails the revocation with a concurrency conflict.
/// </summary>
public static class GrantRevocation
{
    public static void Register(OpenIddictServerBuilder server)
    {
        server.RemoveEventHandler(Revocation.RevokeToken.Descriptor);
        server.AddEventHandler<HandleRevocationRequestContext>(handler => handler
            .UseScopedHandler<RevokeAuthorization>()
            .SetOrder(Revocation.RevokeToken.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom));
    }

    private sealed class RevokeAuthorization(
        IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens, AuditLog audit)
        : IOpenIddictServerHandler<HandleRevocationRequestContext>
    {
        public async ValueTask HandleAsync(HandleRevocationRequestContext context)
        {
            var principal = context.GenericTokenPrincipal!;
            var cancellationToken = context.CancellationToken;
            if (principal.GetAuthorizationId() is { } authorizationId)
            {
                if (await authorizations.FindByIdAsync(authorizationId, cancellationToken) is { } authorization)
                {
                    await authorizations.TryRevokeAsync(authorization, cancellationToken); // a refresh does not write the authorization
                }
                await tokens.RevokeByAuthorizationIdAsync(authorizationId, cancellationToken); // in bulk: no concurrent redemption makes it fail
            }
            else if (principal.GetTokenId() is { } tokenId && await tokens.FindByIdAsync(tokenId, cancellationToken) is { } token)
            {
                await tokens.TryRevokeAsync(token, cancellationToken);
            }
            else
            {
                // An access token: a short-lived JWT with no row, which services check on their own (RFC 7009 §2.2.1).
                context.Reject(Errors.UnsupportedTokenType, "Access tokens cannot be revoked; they expire within minutes.");
                return;
            }
            audit.Record(AuditCategories.Authentication, "token.revoked", "success", "client", context.Request.ClientId ?? "",
                new AuditResource("authorization", principal.GetAuthorizationId() ?? principal.GetTokenId()!),
                new Dictionary<string, object?> { ["user_id"] = principal.GetClaim(Claims.Subject) });
        }
    }
}
