using Fleet.AuthService.Keys;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers;

namespace Fleet.AuthService.Protocol;

/// <summary>
/// Access tokens are signed with the active key of <see cref="SigningKeyStore"/>, which every replica shares through
/// authdb and <see cref="SigningKeyRotation"/> renews, rather than with keys fixed in OpenIddict's options at start-up;
/// the JWKS and OpenIddict's own validation (introspection, revocation) use the keys the store publishes.
/// </summary>
public static class SigningKeyHandlers
{
    public static void Register(OpenIddictServerBuilder server)
    {
        server.AddEventHandler<GenerateTokenContext>(handler => handler
            .UseSingletonHandler<SignAccessTokens>()
            .SetOrder(Protection.AttachSecurityCredentials.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ValidateTokenContext>(handler => handler
            .UseSingletonHandler<ValidateWithPublishedKeys>()
            .SetOrder(Protection.ResolveTokenValidationParameters.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<HandleJsonWebKeySetRequestContext>(handler => handler
            .UseSingletonHandler<PublishKeys>()
            .SetOrder(Discovery.AttachSigningKeys.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom));
    }

    /// <summary>
    /// Signs access tokens with the active key, and keeps no database row for them: they are short-lived JWTs that
    /// services validate on their own, so a row would cost a write per token and decide nothing.
    /// </summary>
    private sealed class SignAccessTokens(SigningKeyStore keys) : IOpenIddictServerHandler<GenerateTokenContext>
    {
        public async ValueTask HandleAsync(GenerateTokenContext context)
        {
            if (context.TokenType == TokenTypeIdentifiers.AccessToken)
            {
                context.SigningCredentials = await keys.GetSigningCredentialsAsync(context.CancellationToken);
                context.CreateTokenEntry = false;
            }
        }
    }

    private sealed class ValidateWithPublishedKeys(SigningKeyStore keys) : IOpenIddictServerHandler<ValidateTokenContext>
    {
        public async ValueTask HandleAsync(ValidateTokenContext context)
        {
            var published = await keys.GetPublishedKeysAsync(context.CancellationToken);
            context.TokenValidationParameters.IssuerSigningKeys = published.Select(key => key.ValidationKey).ToArray();
            context.TokenValidationParameters.ValidAlgorithms = [SigningKeyStore.Algorithm];
        }
    }

    private sealed class PublishKeys(SigningKeyStore keys) : IOpenIddictServerHandler<HandleJsonWebKeySetRequestContext>
    {
        public async ValueTask HandleAsync(HandleJsonWebKeySetRequestContext context)
        {
            context.Keys.Clear();
            foreach (var key in await keys.GetPublishedKeysAsync(context.CancellationToken))
            {
                var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(key.ValidationKey);
                jwk.Use = JsonWebKeyUseNames.Sig;
                jwk.Alg = SigningKeyStore.Algorithm;
                context.Keys.Add(jwk);
            }
        }
    }
}
