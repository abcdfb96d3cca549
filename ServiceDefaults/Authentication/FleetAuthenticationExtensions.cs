using Fleet.ServiceDefaults.Authentication;
using Fleet.ServiceDefaults.Authentication.ApiKeys;
using Fleet.ServiceDefaults.Authentication.Jwks;
using Fleet.ServiceDefaults.Authentication.OpenApi;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Microsoft.Extensions.Hosting;

public static class FleetAuthenticationExtensions
{
    /// <summary>
    /// Validates AuthService's access tokens locally (ES256/RS256 against its cached JWKS; issuer, audience,
    /// lifetime, <c>typ: at+jwt</c>), adds a policy per scope (<see cref="FleetPolicies"/>) and a fallback
    /// policy that requires an authenticated caller, so a route that declares nothing is protected. 401 and
    /// 403 are problem+json with the contract's <c>WWW-Authenticate</c>. Settings: section <c>Auth</c>
    /// (<see cref="FleetAuthenticationOptions"/>); AuthService at <c>services:auth:http:0</c>. The
    /// authentication and authorization middleware are added by <c>WebApplication</c> itself, after routing.
    /// </summary>
    public static TBuilder AddFleetAuthentication<TBuilder>(this TBuilder builder, Action<FleetAuthenticationOptions>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;

        // Read now only to decide which schemes to register; everything else is read through IOptions.
        var settings = new FleetAuthenticationOptions();
        builder.Configuration.GetSection(FleetAuthenticationOptions.SectionName).Bind(settings);
        configure?.Invoke(settings);

        services.AddOptions<FleetAuthenticationOptions>()
            .BindConfiguration(FleetAuthenticationOptions.SectionName)
            .Configure(options => configure?.Invoke(options))
            .PostConfigure<IConfiguration>((options, configuration) => options.AuthServiceUrl ??=
                configuration["services:auth:https:0"] is { Length: > 0 } https ? https : configuration["services:auth:http:0"]);

        services.AddHttpClient(FleetAuthenticationDefaults.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddSingleton<JwksKeyStore>();

        var defaultScheme = settings.AcceptApiKeys ? FleetAuthenticationDefaults.SelectorScheme : FleetAuthenticationDefaults.BearerScheme;
        var authentication = services.AddAuthentication(defaultScheme).AddJwtBearer(FleetAuthenticationDefaults.BearerScheme);
        services.AddOptions<JwtBearerOptions>(FleetAuthenticationDefaults.BearerScheme)
            .Configure<IOptions<FleetAuthenticationOptions>, JwksKeyStore>(ConfigureJwtBearer);

        if (settings.AcceptApiKeys)
        {
            services.AddSingleton<ApiKeyIntrospector>();
            authentication
                .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(FleetAuthenticationDefaults.ApiKeyScheme, null)
                .AddPolicyScheme(FleetAuthenticationDefaults.SelectorScheme, "Bearer token or API key", options =>
                    options.ForwardDefaultSelector = context => context.Request.Headers.ContainsKey(FleetAuthenticationDefaults.ApiKeyHeader)
                        ? FleetAuthenticationDefaults.ApiKeyScheme
                        : FleetAuthenticationDefaults.BearerScheme);
        }

        builder.AddFleetAuthorization();
        return builder;
    }

    /// <summary>
    /// The authorization half alone, for a service that authenticates callers its own way (AuthService checks its
    /// own tokens against its own key store): a policy per scope, the fallback policy that protects a route that
    /// declares nothing, the contract's 403, and the OpenAPI record of who may call each operation.
    /// </summary>
    public static TBuilder AddFleetAuthorization<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<FleetAuthenticationOptions>().BindConfiguration(FleetAuthenticationOptions.SectionName);
        services.AddAuthorization(options =>
        {
            options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
            foreach (var scope in FleetScopes.All)
            {
                options.AddPolicy(scope, policy => policy.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(scope)));
            }
        });
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, FleetAuthorizationResultHandler>();

        services.AddTransient<AuthorizationOpenApiTransformer>();
        services.ConfigureAll<OpenApiOptions>(options => options
            .AddDocumentTransformer<AuthorizationOpenApiTransformer>()
            .AddOperationTransformer<AuthorizationOpenApiTransformer>());
        return builder;
    }

    private static void ConfigureJwtBearer(JwtBearerOptions options, IOptions<FleetAuthenticationOptions> fleetOptions, JwksKeyStore keys)
    {
        var fleet = fleetOptions.Value;
        options.MapInboundClaims = false; // keep sub, scope, roles, client_id as AuthService wrote them
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(new CachingTokenHandler(TimeProvider.System) { MapInboundClaims = false });
        options.IncludeErrorDetails = true;
        options.TokenValidationParameters = FleetTokenValidation.Parameters(fleet.Issuer, fleet.Audience, fleet.ClockSkew);
        options.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, kid, _) => keys.KeysFor(kid);
        options.Events = new JwtBearerEvents
        {
            OnMessageReceived = async context =>
            {
                // The key resolver above is synchronous: fetch the key set first, here, when the token's kid is
                // not held (rotation) or the set is old. Rate-limited inside the store.
                string? authorization = context.Request.Headers.Authorization;
                if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }

                var token = authorization["Bearer ".Length..].Trim();
                context.Token = token;
                string? kid;
                try
                {
                    kid = new JsonWebToken(token).Kid;
                }
                catch (ArgumentException)
                {
                    return; // malformed: validation will say so
                }

                await keys.EnsureKeyAsync(kid, context.HttpContext.RequestAborted);
            },
            OnChallenge = AuthProblems.WriteBearerChallengeAsync,
            OnForbidden = context => AuthProblems.WriteForbiddenAsync(context.HttpContext, []),
        };
    }
}
