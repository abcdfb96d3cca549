using Microsoft.AspNetCore.Http.HttpResults;

namespace Fleet.Gateway.Proxy;

/// <summary>The RFC 9457 problem responses the gateway gives when it cannot forward a request.</summary>
public static class ProxyProblems
{
    public static ProblemHttpResult BackendUnreachable(ProxyCluster cluster) => Problem(
        StatusCodes.Status502BadGateway,
        "Bad Gateway",
        "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.3",
        $"The {cluster.Id} service could not be reached.",
        cluster);

    public static ProblemHttpResult BackendFailed(ProxyCluster cluster) => Problem(
        StatusCodes.Status502BadGateway,
        "Bad Gateway",
        "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.3",
        $"The {cluster.Id} service failed to answer.",
        cluster);

    public static ProblemHttpResult BackendTimedOut(ProxyCluster cluster, TimeSpan timeout) => Problem(
        StatusCodes.Status504GatewayTimeout,
        "Gateway Timeout",
        "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.5",
        $"The {cluster.Id} service did not answer within {timeout.TotalSeconds:0.###} s.",
        cluster);

    public static ProblemHttpResult UnreadableRequestBody(ProxyCluster cluster) => Problem(
        StatusCodes.Status400BadRequest,
        "Bad Request",
        "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1",
        "The request body could not be read.",
        cluster);

    /// <summary>A <c>/health/{service}</c> or <c>/docs/{service}</c> naming no cluster of the route table.</summary>
    public static ProblemHttpResult UnknownService(string service) => TypedResults.Problem(
        $"There is no service named '{service}'.",
        statusCode: StatusCodes.Status404NotFound,
        title: "Unknown service",
        extensions: new Dictionary<string, object?> { ["service"] = service });

    private static ProblemHttpResult Problem(int status, string title, string type, string detail, ProxyCluster cluster) =>
        TypedResults.Problem(detail, instance: null, status, title, type, new Dictionary<string, object?> { ["service"] = cluster.Id });
}
