using Fleet.AuthService.Keys;
using Fleet.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Fleet.AuthService.Protocol;

/// <summary>
/// AuthService validates its own access tokens (for /auth/me, /auth/keys, /auth/admin) with JwtBearer,
/// against the keys in its own store rather than over HTTP. 401 and 403 carry
/// <c>WWW-Authenticate: Bearer error=...</c> and problem+json, as ServiceDefaults writes them for every service.
/// </summary>
public static class BearerAuthentication
{
    /// <summary>Policy: a token issued to a user (password or refresh grant), not to a machine client.</summary>
    public const string UserPolicy = "user";

    public static IServiceCollection AddBearerAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<SigningKeyConfigurationManager>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeyConfigurationManager, Microsoft.Extensions.Options.IOptions<AuthOptions>>((options, configuration, auth) =>
            {
                var settings = auth.Value;
                options.ConfigurationManager = configuration;
                options.MapInboundClaims = false;
                options.TokenValidationParameters = FleetTokenValidation.Parameters(settings.Issuer, settings.Audience, TimeSpan.FromSeconds(30));
                // This server signs with ES256 only.
                options.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256];
                // 401s say why (error_description), as every other service's do.
                options.Events = new JwtBearerEvents { OnChallenge = AuthProblems.WriteBearerChallengeAsync };
            });

        // The scope policies (admin among them), the fallback policy and the contract's 403 come from ServiceDefaults.
        services.AddAuthorizationBuilder()
            .AddPolicy(UserPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim("roles"));
        return services;
    }
}

/// <summary>Hands JwtBearer the published keys from <see cref="SigningKeyStore"/>; an unknown kid triggers a (rate-limited) reload.</summary>
public sealed class SigningKeyConfigurationManager(SigningKeyStore store, Microsoft.Extensions.Options.IOptions<AuthOptions> options)
    : IConfigurationManager<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        var configuration = new OpenIdConnectConfiguration { Issuer = options.Value.Issuer };
        foreach (var key in await store.GetPublishedKeysAsync(cancel))
        {
            configuration.SigningKeys.Add(key.ValidationKey);
        }
        return configuration;
    }

    public void RequestRefresh() => store.RequestRefresh();
}
