using Fleet.AuthService.ApiKeys;
using Fleet.AuthService.Clients;
using Fleet.AuthService.Data;
using Fleet.AuthService.Keys;
using Fleet.AuthService.Protocol;
using Fleet.AuthService.Seeding;
using Fleet.AuthService.SignIn;
using Fleet.AuthService.Users;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;

namespace Fleet.AuthService;

public static class AuthServiceExtensions
{
    /// <summary>
    /// Everything AuthService adds to the service defaults and its client integrations. The seeder and the
    /// first signing key run as hosted services, after <c>AddDatabaseMigrations</c> has put the schema in place.
    /// </summary>
    public static WebApplicationBuilder AddAuthService(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName);
        services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.SectionName);
        services.AddHttpContextAccessor();
        services.AddSingleton(TimeProvider.System);

        services.AddIdentityCore<FleetUser>(options =>
            {
                options.Stores.SchemaVersion = IdentitySchemaVersions.Version1;
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 10;
                options.Password.RequireDigit = true;
                options.Password.RequireLowercase = true;
                options.Password.RequireUppercase = true;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.AllowedForNewUsers = true;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddUserValidator<EmailAddressValidator>()
            .AddEntityFrameworkStores<AuthDbContext>()
            .AddSignInManager();
        // Through the gateway: X-Forwarded-For names the caller (sign-in attempts are throttled by source), X-Forwarded-Host
        // the public address that redirects to the sign-in page must use. The gateway connects from loopback, which the
        // defaults trust; of each header the last value, the one it appended, is taken.
        services.Configure<ForwardedHeadersOptions>(options =>
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedHost | ForwardedHeaders.XForwardedProto);

        services.AddSingleton<SigningKeyStore>();
        services.AddSingleton<SigningKeyRotation>();
        services.AddHostedService<StartupSeeder>();
        services.AddHostedService(provider => provider.GetRequiredService<SigningKeyRotation>());
        services.AddBearerAuthentication();
        builder.AddFleetAuthorization();

        services.AddTokenServer();
        services.AddSignInCookie();
        services.AddScoped<TokenGrants>();
        services.AddScoped<PasswordSignIn>();
        services.AddSingleton<SignInThrottle>();
        services.AddScoped<EmailVerification>();
        return builder;
    }

    public static WebApplication MapAuthEndpoints(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapTokenEndpoint();
        app.MapAuthorizeEndpoint();
        app.MapSignInEndpoints();
        app.MapUserEndpoints();
        app.MapApiKeyEndpoints();
        app.MapClientAdminEndpoints();
        return app;
    }
}
