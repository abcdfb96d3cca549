using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Fleet.AuthService.Protocol;

/// <summary>
/// The revocation and introspection endpoints in the OpenAPI document. OpenIddict answers them in its own middleware,
/// so no route describes them; without these entries the docs page would not show them, and the tests that walk the
/// document would not reach them.
/// </summary>
public sealed class ProtocolDocument : IOpenApiDocumentTransformer
{
    private static readonly string[] TokenForm = ["token", "token_type_hint", "client_id", "client_secret"];

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Paths ??= new OpenApiPaths();
        Add(document, "/auth/connect/revoke", "Revokes a refresh token and ends its sign-in (RFC 7009); access tokens are unsupported_token_type.");
        Add(document, "/auth/connect/introspect", "Describes a refresh token, an access token or an API key (RFC 7662); 'active': false when it is none of them.");
        return Task.CompletedTask;
    }

    private static void Add(OpenApiDocument document, string path, string summary)
    {
        var operation = new OpenApiOperation
        {
            Summary = summary,
            Description = "Client authentication with HTTP Basic or client_id and client_secret in the form.",
            Tags = new HashSet<OpenApiTagReference> { new("OAuth2", document) },
            RequestBody = FormBody(TokenForm),
            Responses = new OpenApiResponses
            {
                ["200"] = new OpenApiResponse { Description = "The answer, JSON." },
                ["400"] = new OpenApiResponse { Description = "An RFC 6749 error, JSON." },
                ["401"] = new OpenApiResponse { Description = "invalid_client: the client did not authenticate." },
            },
        };
        document.Paths[path] = new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Post] = operation } };
    }

    /// <summary>An <c>application/x-www-form-urlencoded</c> body of string fields, the way OAuth2 endpoints take their parameters.</summary>
    public static OpenApiRequestBody FormBody(params string[] parameters)
    {
        var schema = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = new Dictionary<string, IOpenApiSchema>() };
        foreach (var parameter in parameters)
        {
            schema.Properties[parameter] = new OpenApiSchema { Type = JsonSchemaType.String };
        }
        return new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/x-www-form-urlencoded"] = new() { Schema = schema } },
        };
    }
}
