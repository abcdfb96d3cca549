using System.Text.Json.Nodes;
using Fleet.Gateway.Proxy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fleet.Gateway.Docs;

/// <summary>Swagger UI at <c>/docs</c> over every service's OpenAPI document, each served at <c>/docs/{service}/openapi.json</c>.</summary>
public static class ServiceDocsEndpoints
{
    public static IServiceCollection AddServiceDocs(this IServiceCollection services) =>
        services.AddSingleton<OpenApiDocumentFetcher>();

    public static IEndpointRouteBuilder MapServiceDocs(this IEndpointRouteBuilder endpoints)
    {
        var routeTable = endpoints.ServiceProvider.GetRequiredService<ProxyRouteTable>();
        endpoints.MapGet("/docs/{service}/openapi.json", GetDocument).ExcludeFromDescription().AllowAnonymous();
        endpoints.MapSwaggerUI("docs", options =>
            {
                options.DocumentTitle = "Fleet API";
                foreach (var cluster in routeTable.Clusters)
                {
                    // Relative to the UI page, so it keeps working behind a path prefix.
                    options.SwaggerEndpoint($"{cluster.Id}/openapi.json", cluster.Id);
                }
            })
            .AllowAnonymous();
        return endpoints;
    }

    private static async Task<Results<Ok<JsonNode>, ProblemHttpResult>> GetDocument(
        string service, ProxyRouteTable routeTable, OpenApiDocumentFetcher fetcher, CancellationToken cancellationToken)
    {
        if (routeTable.FindCluster(service) is not { } cluster)
        {
            return ProxyProblems.UnknownService(service);
        }

        return await fetcher.FetchAsync(cluster, cancellationToken) is { } document
            ? TypedResults.Ok(document)
            : TypedResults.Problem(
                $"No replica of the {service} service returned its OpenAPI document.",
                statusCode: StatusCodes.Status502BadGateway,
                title: "Bad Gateway",
                type: "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.3",
                extensions: new Dictionary<string, object?> { ["service"] = service });
    }
}
