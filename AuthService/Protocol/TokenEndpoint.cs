using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Fleet.AuthService.Protocol;

/// <summary>
/// The token endpoint (RFC 6749 §3.2). OpenIddict reads the request, authenticates the client and checks the grant
/// before this handler runs, and answers errors itself; the handler decides what the token holds.
/// </summary>
public static class TokenEndpoint
{
    public static IEndpointRouteBuilder MapTokenEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/auth/connect/token", Exchange).WithTags("OAuth2").AllowAnonymous().DisableAntiforgery()
            .DocumentForm("grant_type", "username", "password", "refresh_token", "code", "code_verifier", "redirect_uri", "scope",
                "client_id", "client_secret");
        return routes;
    }

    private static async Task<IResult> Exchange(HttpContext context, TokenGrants grants, CancellationToken cancellationToken)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The token endpoint was reached without OpenIddict's request.");
        return request.GrantType switch
        {
            GrantTypes.Password => await grants.PasswordAsync(context, request, cancellationToken),
            GrantTypes.ClientCredentials => await grants.ClientCredentialsAsync(request, cancellationToken),
            _ => await grants.RenewAsync(context, request, cancellationToken), // refresh_token and authorization_code
        };
    }

    /// <summary>
    /// Documents the form OpenIddict reads: without it the OpenAPI document shows no body at all, and neither readers nor
    /// the tests that walk the document know what the operation takes.
    /// </summary>
    private static RouteHandlerBuilder DocumentForm(this RouteHandlerBuilder builder, params string[] parameters) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = ProtocolDocument.FormBody(parameters);
            return Task.CompletedTask;
        });
}
