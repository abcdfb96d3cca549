using System.Security.Claims;
using Fleet.AuthService.Audit;
using Fleet.AuthService.Protocol;
using Fleet.AuthService.Users;
using Fleet.ServiceDefaults.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Fleet.AuthService.SignIn;

/// <summary>The posted form; any field may be missing, and the page answers that like a wrong password.</summary>
public sealed class SignInForm
{
    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string? ReturnUrl { get; set; }
}

/// <summary>
/// The sign-in page of the authorization code flow, for anyone: it only ever sends the browser back to the
/// authorization endpoint it came from. A failure says no more than the password grant does.
/// </summary>
public static class SignInEndpoints
{
    public static IEndpointRouteBuilder MapSignInEndpoints(this IEndpointRouteBuilder routes)
    {
        var signIn = routes.MapGroup(SignInCookie.PagePath).WithTags("Sign-in").AllowAnonymous().ExcludeFromDescription();
        signIn.MapGet("/", (string? returnUrl) => new SignInPage(SafeReturnUrl(returnUrl), null, null));
        signIn.MapPost("/", Submit); // a form: antiforgery is checked before the handler runs
        return routes;
    }

    private static async Task<IResult> Submit(
        [FromForm] SignInForm form, HttpContext context, PasswordSignIn passwords, AuditLog audit)
    {
        var returnUrl = SafeReturnUrl(form.ReturnUrl);
        if (string.IsNullOrEmpty(form.UserName) || string.IsNullOrEmpty(form.Password) || form.UserName.Length > 64 || form.Password.Length > 256)
        {
            return new SignInPage(returnUrl, form.UserName?[..Math.Min(form.UserName.Length, 64)], PasswordCheck.InvalidCredentials);
        }
        var clientId = ClientIdOf(returnUrl);
        var check = await passwords.CheckAsync(form.UserName, form.Password, clientId, context.Connection.RemoteIpAddress);
        if (check.User is not { } user)
        {
            return new SignInPage(returnUrl, form.UserName, check.Message);
        }
        await context.SignInAsync(SignInCookie.Scheme,
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(Claims.Subject, user.Id.ToString())], SignInCookie.Scheme)));
        audit.Record(AuditCategories.Authentication, "user.login", "success", "user", user.Id.ToString(),
            new AuditResource("user", user.Id.ToString(), user.UserName),
            new Dictionary<string, object?> { ["client_id"] = clientId, ["grant_type"] = GrantTypes.AuthorizationCode });
        return Results.Redirect(returnUrl);
    }

    /// <summary>Only the authorization endpoint, on this server: anything else would make the page an open redirect.</summary>
    private static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is not null && returnUrl.StartsWith(AuthorizeEndpoint.Path + "?", StringComparison.Ordinal) && !returnUrl.Contains('\\')
            ? returnUrl
            : AuthorizeEndpoint.Path;

    private static string ClientIdOf(string returnUrl)
    {
        var query = returnUrl.IndexOf('?') is var at and >= 0 ? QueryHelpers.ParseQuery(returnUrl[at..]) : [];
        return query.TryGetValue(Parameters.ClientId, out var clientId) && clientId.Count == 1 ? clientId.ToString() : "";
    }
}
