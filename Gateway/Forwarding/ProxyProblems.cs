using Microsoft.AspNetCore.Http.HttpResults;

namespace Fleet.Gateway.Forwarding;

/// <summary>The RFC 9457 problem responses the gateway gives itself, when it cannot or will not forward a request.</summary>
public static class ProxyProblems
{
    public static ProblemHttpResult BackendUnreachable(string service) => Problem(
        StatusCodes.Status502BadGateway,
        "Bad Gateway",
        "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.3",
        $"The {service} service could not be reached.",
        service);

    public static ProblemHttpResult BackendFailed(string service) => Problem(
        StatusCodes.Status502BadGateway,
        "Bad Gateway",
        "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.3",
        $"The {service} service failed to answer.",
        service);

    public static ProblemHttpResult BackendTimedOut(string service, TimeSpan? timeout) => Problem(
        StatusCodes.Status504GatewayTimeout,
        "Gateway Timeout",
        "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.5",
        timeout is { } limit
            ? $"The {service} service did not answer within {limit.TotalSeconds:0.###} s."
            : $"The {service} service did not answer in time.",
        service);

    public static ProblemHttpResult BodyTooLarge(string service, long limit) => Problem(
        StatusCodes.Status413PayloadTooLarge,
        "Content Too Large",
        "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14",
        $"The request body is larger than the {limit} bytes this route accepts.",
        service);

    public static ProblemHttpResult UnreadableRequestBody(string service) => Problem(
        StatusCodes.Status400BadRequest,
        "Bad Request",
        "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1",
        "The request body could not be read.",
        service);

    /// <summary>A path that would mean something else to the service than it did to the gateway's routes.</summary>
    public static ProblemHttpResult AmbiguousPath() => TypedResults.Problem(
        "The path holds an encoded '.', '/' or '\\' after decoding; send each path segment encoded once.",
        statusCode: StatusCodes.Status400BadRequest,
        title: "Bad Request",
        type: "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1");

    /// <summary>A <c>/health/{service}</c> or <c>/docs/{service}</c> naming no cluster.</summary>
    public static ProblemHttpResult UnknownService(string service) => TypedResults.Problem(
        $"There is no service named '{service}'.",
        statusCode: StatusCodes.Status404NotFound,
        title: "Unknown service",
        extensions: new Dictionary<string, object?> { ["service"] = service });

    private static ProblemHttpResult Problem(int status, string title, string type, string detail, string service) =>
        TypedResults.Problem(detail, instance: null, status, title, type, new Dictionary<string, object?> { ["service"] = service });
}
