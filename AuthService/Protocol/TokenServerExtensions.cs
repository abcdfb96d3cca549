using System.Security.Cryptography;
using Fleet.AuthService.ApiKeys;
using Fleet.AuthService.Clients;
using Fleet.AuthService.Data;
using Fleet.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;

namespace Fleet.AuthService.Protocol;

/// <summary>
/// OpenIddict's server owns the OAuth2 protocol: client authentication, grant and endpoint permissions, PKCE, refresh
/// token rotation and reuse detection, revocation, introspection and discovery. Fleet adds only what it decides itself:
/// who gets which scopes (<see cref="TokenEndpoint"/>), where signing keys come from (<see cref="SigningKeyHandlers"/>),
/// the public URLs in discovery (<see cref="PublicEndpointUris"/>), API keys (<see cref="ApiKeyIntrospection"/>) and
/// where its contract says more than OpenIddict's defaults (<see cref="ContractHandlers"/>).
/// </summary>
public static class TokenServerExtensions
{
    public static IServiceCollection AddTokenServer(this IServiceCollection services)
    {
        // One key ring for every replica, so that any of them reads the codes, refresh tokens and cookies another wrote.
        services.AddDataProtection().SetApplicationName("fleet-auth").PersistKeysToDbContext<AuthDbContext>();

        services.AddSingleton<VerifiedClientSecrets>();
        services.AddSingleton<ClientSnapshots>();
        services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore().UseDbContext<AuthDbContext>().ReplaceDefaultEntities<Guid>();
                core.ReplaceApplicationManager(typeof(CachingApplicationManager<>));
                core.Services.AddScoped<IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication<Guid>>, SharedClientCache>();
            })
            .AddServer(server =>
            {
                // Relative to the request's base, so they match behind the gateway and on AuthService's own address alike.
                server.SetTokenEndpointUris("auth/connect/token")
                    .SetAuthorizationEndpointUris("auth/connect/authorize")
                    .SetRevocationEndpointUris("auth/connect/revoke")
                    .SetIntrospectionEndpointUris("auth/connect/introspect")
                    .SetJsonWebKeySetEndpointUris("auth/.well-known/jwks.json")
                    .SetConfigurationEndpointUris("auth/.well-known/openid-configuration");

                server.AllowPasswordFlow()
                    .AllowClientCredentialsFlow()
                    .AllowRefreshTokenFlow()
                    .AllowAuthorizationCodeFlow()
                    .RequireProofKeyForCodeExchange();

                server.RegisterScopes([.. FleetScopes.All]);
                // The token endpoint intersects the requested scopes with the client's and the user's itself, so that
                // every refusal is invalid_scope (RFC 6749 §5.2); OpenIddict's own check would answer invalid_request.
                server.IgnoreScopePermissions();

                // Access tokens are signed JWTs every service validates on its own; what only AuthService reads back
                // (refresh tokens, authorization codes) is protected with Data Protection instead of keys of its own.
                server.DisableAccessTokenEncryption();
                server.UseDataProtection().PreferDefaultAccessTokenFormat();
                // OpenIddict insists on credentials at start-up: these are never used. SigningKeyHandlers signs with
                // the active key from authdb, and nothing is encrypted with a key.
                server.AddSigningKey(new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "unused" });
                server.AddEphemeralEncryptionKey();

                // A refresh token is good for one use: a second use revokes every token of its authorization.
                server.SetRefreshTokenReuseLeeway(TimeSpan.Zero);

                server.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .EnableAuthorizationEndpointPassthrough()
                    // Fleet serves plain HTTP on one machine; TLS belongs in front of the gateway.
                    .DisableTransportSecurityRequirement();

                SigningKeyHandlers.Register(server);
                PublicEndpointUris.Register(server);
                ContractHandlers.Register(server);
                GrantRevocation.Register(server);
                ApiKeyIntrospection.Register(server);
            });

        services.ConfigureAll<OpenApiOptions>(options => options.AddDocumentTransformer<ProtocolDocument>());

        services.AddOptions<OpenIddictServerOptions>().Configure<IOptions<AuthOptions>>((options, auth) =>
        {
            options.Issuer = new Uri(auth.Value.Issuer);
            options.AccessTokenLifetime = auth.Value.AccessTokenLifetime;
            options.RefreshTokenLifetime = auth.Value.RefreshTokenLifetime;
            // Fleet issues access tokens, not OpenID Connect identity tokens, and refresh tokens without offline_access.
            options.Scopes.Remove(OpenIddictConstants.Scopes.OpenId);
            options.Scopes.Remove(OpenIddictConstants.Scopes.OfflineAccess);
            // PKCE with S256 only: "plain" shows the verifier to whoever sees the authorization request (RFC 9700 §2.1.1).
            options.CodeChallengeMethods.Remove(OpenIddictConstants.CodeChallengeMethods.Plain);
            // Fleet's clients authenticate with a secret; none has keys of its own to sign assertions with.
            options.ClientAuthenticationMethods.Remove(OpenIddictConstants.ClientAuthenticationMethods.PrivateKeyJwt);
        });
        return services;
    }
}
