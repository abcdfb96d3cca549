using Fleet.AuthService.SignIn;
using Fleet.AuthService.Users;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Fleet.AuthService.Protocol;

/// <summary>
/// The authorization endpoint of the code flow (RFC 6749 §4.1, with PKCE). OpenIddict has checked the client, its
/// exact redirect URI and the code challenge; a browser without a session is sent to the sign-in page first. Consent is
/// implicit: every client allowed this flow is Fleet's own.
/// </summary>
public static class AuthorizeEndpoint
{
    public const string Path = "/auth/connect/authorize";

    public static IEndpointRouteBuilder MapAuthorizeEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, Authorize).WithTags("OAuth2").AllowAnonymous();
        return routes;
    }

    private static async Task<IResult> Authorize(HttpContext context, UserManager<FleetUser> users, TokenGrants grants, CancellationToken cancellationToken)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The authorization endpoint was reached without OpenIddict's request.");
        var session = await context.AuthenticateAsync(SignInCookie.Scheme);
        var userId = session.Principal?.FindFirst(Claims.Subject)?.Value;
        var user = userId is null ? null : await users.FindByIdAsync(userId);
        if (user is null || UserStatus.IsDisabled(user))
        {
            return Results.Challenge(new AuthenticationProperties { RedirectUri = context.Request.PathBase + context.Request.Path + context.Request.QueryString },
                [SignInCookie.Scheme]);
        }
        return await grants.AuthorizeAsync(user, request, cancellationToken);
    }
}
