using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Fleet.ServiceDefaults.Authentication.OpenApi;

/// <summary>
/// Records in the OpenAPI document who may call each operation, from the endpoint's authorization metadata:
/// an anonymous operation (<c>.AllowAnonymous()</c>) has no <c>security</c>; any other has
/// <c>security: [{ "bearer": [scopes] }]</c> (and <c>apiKey</c> where keys are accepted), with the scopes its
/// policies require, or none when it needs only an authenticated caller (the fallback policy).
/// </summary>
internal sealed class AuthorizationOpenApiTransformer(
    IAuthorizationPolicyProvider policies,
    IOptions<FleetAuthenticationOptions> options) : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string BearerSchemeName = "bearer";
    public const string ApiKeySchemeName = "apiKey";
    public const string SignInSchemeName = "signIn";

    /// <summary>The public client of AuthService that API docs pages sign users in with.</summary>
    public const string DocsClientId = "fleet-docs";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        AddSecuritySchemes(document);
        return Task.CompletedTask;
    }

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return;
        }

        var scopes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var data in metadata.OfType<IAuthorizeData>())
        {
            var policy = data.Policy is { Length: > 0 } name
                ? await policies.GetPolicyAsync(name)
                : await policies.GetDefaultPolicyAsync();
            AddScopes(policy, scopes);
        }

        foreach (var policy in metadata.OfType<AuthorizationPolicy>())
        {
            AddScopes(policy, scopes);
        }

        if (context.Document is { } document)
        {
            AddSecuritySchemes(document);
        }

        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(BearerSchemeName, context.Document)] = [.. scopes],
        });
        if (options.Value.AcceptApiKeys)
        {
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(ApiKeySchemeName, context.Document)] = [.. scopes],
            });
        }
        if (options.Value.Issuer is not null)
        {
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(SignInSchemeName, context.Document)] = [.. scopes],
            });
        }

        operation.Responses ??= new OpenApiResponses();
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No access token, or a bad one (problem+json)." });
        if (scopes.Count > 0)
        {
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = $"The token lacks the scope {string.Join(' ', scopes)} (problem+json)." });
        }
    }

    private static void AddScopes(AuthorizationPolicy? policy, SortedSet<string> scopes)
    {
        foreach (var requirement in policy?.Requirements.OfType<ScopeRequirement>() ?? [])
        {
            scopes.Add(requirement.Scope);
        }
    }

    private void AddSecuritySchemes(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes.TryAdd(BearerSchemeName, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An access token from AuthService (POST /auth/connect/token); the scopes each operation needs are listed with it.",
        });
        if (options.Value.AcceptApiKeys)
        {
            document.Components.SecuritySchemes.TryAdd(ApiKeySchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = FleetAuthenticationDefaults.ApiKeyHeader,
                Description = "A user's API key (fk_...), granting that key's scopes.",
            });
        }
        if (options.Value.Issuer is { } issuer)
        {
            // What lets an API docs page sign a person in and try every operation with their own token.
            document.Components.SecuritySchemes.TryAdd(SignInSchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.OAuth2,
                Description = $"Sign in with your Fleet user name and password (authorization code with PKCE, client {DocsClientId}).",
                Flows = new OpenApiOAuthFlows
                {
                    AuthorizationCode = new OpenApiOAuthFlow
                    {
                        AuthorizationUrl = new Uri($"{issuer.TrimEnd('/')}/connect/authorize"),
                        TokenUrl = new Uri($"{issuer.TrimEnd('/')}/connect/token"),
                        Scopes = FleetScopes.All.ToDictionary(scope => scope, scope => scope),
                    },
                },
            });
        }
    }
}
