using Fleet.AuthService.Audit;
using Fleet.ServiceDefaults.Audit;
using Fleet.AuthService.Clients;
using Fleet.AuthService.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.OpenApi;

namespace Fleet.AuthService.Tokens;

/// <summary>
/// The OAuth2 endpoints. All anonymous at the HTTP level: each authenticates the calling client itself (RFC 6749 §2.3).
/// </summary>
public static class TokenEndpoints
{
    public static IEndpointRouteBuilder MapTokenEndpoints(this IEndpointRouteBuilder routes)
    {
        var connect = routes.MapGroup("/auth/connect").WithTags("OAuth2").DisableAntiforgery();
        connect.MapPost("/token", Token).AllowAnonymous()            // RFC 6749 §3.2, client authentication in the handler
            .DocumentForm("grant_type", "username", "password", "refresh_token", "scope", "client_id", "client_secret");
        connect.MapPost("/revoke", Revoke).AllowAnonymous()          // RFC 7009, client authentication in the handler
            .DocumentForm("token", "token_type_hint", "client_id", "client_secret");
        connect.MapPost("/introspect", Introspect).AllowAnonymous()  // RFC 7662, clients with the introspect flag
            .DocumentForm("token", "token_type_hint", "client_id", "client_secret");
        return routes;
    }

    /// <summary>
    /// Documents the form the handler reads itself (<see cref="OAuthRequest"/>): without it the OpenAPI document shows
    /// no body at all, and neither readers nor the tests that walk the document know what the operation takes.
    /// Documentation only: the handler still answers a body of another type with invalid_request (RFC 6749 §5.2).
    /// </summary>
    private static RouteHandlerBuilder DocumentForm(this RouteHandlerBuilder builder, params string[] parameters) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            var schema = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = new Dictionary<string, IOpenApiSchema>() };
            foreach (var parameter in parameters)
            {
                schema.Properties[parameter] = new OpenApiSchema { Type = JsonSchemaType.String };
            }
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/x-www-form-urlencoded"] = new() { Schema = schema } },
            };
            return Task.CompletedTask;
        });

    private static async Task<IResult> Token(HttpContext context, ClientAuthenticator authenticator, TokenGrants grants, CancellationToken cancellationToken)
    {
        var (request, error) = await OAuthRequest.ReadAsync(context.Request, cancellationToken);
        if (request is null)
        {
            return error!;
        }
        if (request["grant_type"] is not { } grantType)
        {
            return OAuthError.InvalidRequest("The grant_type parameter is required.");
        }
        if (!TokenGrants.Supported.Contains(grantType))
        {
            return new OAuthError("unsupported_grant_type", $"Supported grant types: {string.Join(", ", TokenGrants.Supported)}.");
        }

        var (client, clientError) = await authenticator.AuthenticateAsync(context.Request, request, cancellationToken);
        if (client is null)
        {
            return clientError!;
        }
        if (!client.GrantTypes.Contains(grantType))
        {
            return new OAuthError("unauthorized_client", $"This client may not use the {grantType} grant.");
        }

        return grantType switch
        {
            TokenGrants.Password => await grants.PasswordAsync(client, request, cancellationToken),
            TokenGrants.ClientCredentials => await grants.ClientCredentialsAsync(client, request, cancellationToken),
            _ => await grants.RefreshAsync(client, request, cancellationToken),
        };
    }

    private static async Task<IResult> Revoke(
        HttpContext context, ClientAuthenticator authenticator, AuthDbContext db, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var (request, client, error) = await ReadAuthenticatedAsync(context, authenticator, cancellationToken);
        if (client is null)
        {
            return error!;
        }
        if (request!["token"] is not { } token)
        {
            return OAuthError.InvalidRequest("The token parameter is required.");
        }

        // Refresh tokens are revoked with their whole family; access tokens are short-lived JWTs and
        // simply expire. Unknown tokens and other clients' tokens get the same 200 (RFC 7009 §2.2).
        var hash = Secrets.Hash(token);
        var refresh = await db.RefreshTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (refresh is not null && refresh.ClientId == client.ClientId)
        {
            await TokenGrants.RevokeFamilyAsync(db, refresh.FamilyId, time.GetUtcNow(), cancellationToken);
            audit.Record(AuditCategories.Authentication, "token.revoked", "success", "client", client.ClientId,
                new AuditResource("refresh_token_family", refresh.FamilyId.ToString()),
                new Dictionary<string, object?> { ["user_id"] = refresh.UserId.ToString() });
        }
        return new OAuthOk();
    }

    private static async Task<IResult> Introspect(
        HttpContext context, ClientAuthenticator authenticator, Introspection introspection, CancellationToken cancellationToken)
    {
        var (request, client, error) = await ReadAuthenticatedAsync(context, authenticator, cancellationToken);
        return client is null ? error! : await introspection.IntrospectAsync(client, request!, cancellationToken);
    }

    private static async Task<(OAuthRequest?, OAuthClient?, OAuthError?)> ReadAuthenticatedAsync(
        HttpContext context, ClientAuthenticator authenticator, CancellationToken cancellationToken)
    {
        var (request, error) = await OAuthRequest.ReadAsync(context.Request, cancellationToken);
        if (request is null)
        {
            return (null, null, error);
        }
        var (client, clientError) = await authenticator.AuthenticateAsync(context.Request, request, cancellationToken);
        return (request, client, clientError);
    }
}
