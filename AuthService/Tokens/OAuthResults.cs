using System.Text.Json;

namespace Fleet.AuthService.Tokens;

/// <summary>An RFC 6749 §5.2 error: <c>{"error","error_description"}</c>, never cached.</summary>
public sealed record OAuthError(string Error, string Description, int StatusCode = StatusCodes.Status400BadRequest) : IResult
{
    /// <summary>Adds <c>WWW-Authenticate: Basic</c> (required with a 401 when the client tried Basic).</summary>
    public bool BasicChallenge { get; init; }

    public static OAuthError InvalidRequest(string description) => new("invalid_request", description);

    public static OAuthError InvalidGrant(string description) => new("invalid_grant", description);

    public static OAuthError InvalidScope(string description) => new("invalid_scope", description);

    public static OAuthError InvalidClient(string description, bool challenge) =>
        new("invalid_client", description, challenge ? StatusCodes.Status401Unauthorized : StatusCodes.Status400BadRequest)
        {
            BasicChallenge = challenge,
        };

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (BasicChallenge)
        {
            httpContext.Response.Headers.WWWAuthenticate = "Basic realm=\"fleet\", charset=\"UTF-8\"";
        }
        return OAuthJson.WriteAsync(httpContext, StatusCode, new Dictionary<string, object?>
        {
            ["error"] = Error,
            ["error_description"] = Description,
        });
    }
}

/// <summary>A JSON answer of the OAuth endpoints, with <c>Cache-Control: no-store</c> and <c>Pragma: no-cache</c> (RFC 6749 §5.1).</summary>
public sealed class OAuthJson(IReadOnlyDictionary<string, object?> body, int statusCode = StatusCodes.Status200OK) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, statusCode, body);

    internal static async Task WriteAsync(HttpContext httpContext, int statusCode, IReadOnlyDictionary<string, object?> body)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        response.ContentType = "application/json;charset=UTF-8";
        await JsonSerializer.SerializeAsync(response.Body, body, (JsonSerializerOptions?)null, httpContext.RequestAborted);
    }
}

/// <summary>An empty 200 that is never cached (revocation).</summary>
public sealed class OAuthOk : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.Headers.CacheControl = "no-store";
        httpContext.Response.Headers.Pragma = "no-cache";
        return Task.CompletedTask;
    }
}
