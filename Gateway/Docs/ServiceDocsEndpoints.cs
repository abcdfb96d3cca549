using System.Text.Json.Nodes;
using Fleet.Gateway.Forwarding;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fleet.Gateway.Docs;

/// <summary>
/// Swagger UI at <c>/docs</c> over every service's OpenAPI document, each served at <c>/docs/{service}/openapi.json</c>.
/// Its Authorize button signs a person in at AuthService (authorization code with PKCE, as the public client
/// fleet-docs, back to <c>/docs/oauth2-redirect.html</c>), so that they can try any operation with their own token.
/// </summary>
public static class ServiceDocsEndpoints
{
    public static IServiceCollection AddServiceDocs(this IServiceCollection services) =>
        services.AddSingleton<OpenApiDocumentFetcher>();

    public static IEndpointRouteBuilder MapServiceDocs(this IEndpointRouteBuilder endpoints)
    {
        var directory = endpoints.ServiceProvider.GetRequiredService<ServiceDirectory>();
        endpoints.MapGet("/docs/{service}/openapi.json", GetDocument).ExcludeFromDescription().AllowAnonymous();
        endpoints.MapSwaggerUI("docs", options =>
            {
                options.DocumentTitle = "Fleet API";
                options.OAuthClientId("fleet-docs");
                options.OAuthUsePkce();
                options.OAuthScopeSeparator(" ");
                foreach (var service in directory.ConfiguredServiceIds())
                {
                    // Relative to the UI page, so it keeps working behind a path prefix.
                    options.SwaggerEndpoint($"{service}/openapi.json", service);
                }
            })
            .AllowAnonymous();
        return endpoints;
    }

    private static async Task<Results<Ok<JsonNode>, ProblemHttpResult>> GetDocument(
        string service, ServiceDirectory directory, OpenApiDocumentFetcher fetcher, CancellationToken cancellationToken)
    {
        if (directory.Find(service) is not { } replicas)
        {
            return ProxyProblems.UnknownService(service);
        }

        return await fetcher.FetchAsync(replicas, cancellationToken) is { } document
            ? TypedResults.Ok(document)
            : TypedResults.Problem(
                $"No replica of the {service} service returned its OpenAPI document.",
                statusCode: StatusCodes.Status502BadGateway,
                title: "Bad Gateway",
                type: "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.3",
                extensions: new Dictionary<string, object?> { ["service"] = service });
    }
}
