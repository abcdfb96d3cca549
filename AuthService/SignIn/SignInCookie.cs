using Microsoft.AspNetCore.Authentication.Cookies;

namespace Fleet.AuthService.SignIn;

/// <summary>
/// The browser's session at AuthService between the sign-in page and the authorization endpoint: a cookie on
/// <c>/auth</c> only, HTTP-only, SameSite=Lax so that it rides along on the top-level redirects of the code flow.
/// </summary>
public static class SignInCookie
{
    public const string Scheme = "fleet-signin";
    public const string PagePath = "/auth/signin";

    public static IServiceCollection AddSignInCookie(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = "fleet_signin";
            options.Cookie.Path = "/auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.ExpireTimeSpan = TimeSpan.FromHours(1);
            options.SlidingExpiration = false;
            options.LoginPath = PagePath;
        });
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "fleet_antiforgery";
            options.Cookie.Path = "/auth";
        });
        return services;
    }
}
