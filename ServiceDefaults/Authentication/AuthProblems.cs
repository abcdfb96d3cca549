using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Fleet.ServiceDefaults.Authentication;

/// <summary>
/// The 401 and 403 answers of docs/auth-contract.md: RFC 9457 problem+json with a RFC 6750
/// <c>WWW-Authenticate</c> header (<c>error="invalid_token"</c> / <c>error="insufficient_scope", scope="..."</c>).
/// </summary>
public static class AuthProblems
{
    /// <param name="credentialsSent">
    /// Whether the caller sent a token or key at all: RFC 6750 §3.1 gives a request without any no error code.
    /// </param>
    public static Task WriteUnauthorizedAsync(HttpContext context, string description, string scheme = "Bearer", bool credentialsSent = true)
    {
        context.Response.Headers.WWWAuthenticate = credentialsSent
            ? $"{scheme} error=\"invalid_token\", error_description=\"{Quote(description)}\""
            : scheme;
        return WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized",
            "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2", description, null);
    }

    /// <summary>JwtBearer's challenge as the contract has it: the reason in <c>error_description</c> and in the problem's detail.</summary>
    public static Task WriteBearerChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var sent = context.AuthenticateFailure is not null || context.ErrorDescription is { Length: > 0 };
        var description = context.ErrorDescription is { Length: > 0 } given
            ? given
            : sent ? "The access token is not valid." : "An access token is required.";
        return WriteUnauthorizedAsync(context.HttpContext, description, credentialsSent: sent);
    }

    public static Task WriteForbiddenAsync(HttpContext context, IReadOnlyCollection<string> scopes, string scheme = "Bearer")
    {
        var needed = string.Join(' ', scopes);
        context.Response.Headers.WWWAuthenticate = scopes.Count == 0
            ? $"{scheme} error=\"insufficient_scope\""
            : $"{scheme} error=\"insufficient_scope\", scope=\"{Quote(needed)}\"";
        var detail = scopes.Count == 0
            ? "The caller may not do this."
            : $"This needs the scope{(scopes.Count == 1 ? "" : "s")} '{needed}', which the caller's token does not grant.";
        return WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden",
            "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4", detail, scopes.Count == 0 ? null : needed);
    }

    private static Task WriteAsync(HttpContext context, int status, string title, string type, string detail, string? scope)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Type = type, Detail = detail };
        if (scope is not null)
        {
            problem.Extensions["scope"] = scope;
        }

        return TypedResults.Problem(problem).ExecuteAsync(context);
    }

    /// <summary>A quoted-string body: printable ASCII only, with <c>"</c> and <c>\</c> escaped.</summary>
    private static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                continue;
            }

            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
