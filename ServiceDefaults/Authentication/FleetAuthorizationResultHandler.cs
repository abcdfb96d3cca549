using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Fleet.ServiceDefaults.Authentication;

/// <summary>
/// A caller who is authenticated but lacks a scope gets the contract's 403 naming the scopes it lacks;
/// everything else (success, challenge) is ASP.NET Core's default, whose challenge reaches the scheme's
/// own 401 problem.
/// </summary>
internal sealed class FleetAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden)
        {
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }

        var scopes = authorizeResult.AuthorizationFailure?.FailedRequirements
            .OfType<ScopeRequirement>()
            .Select(requirement => requirement.Scope)
            .Distinct(StringComparer.Ordinal)
            .ToList() ?? [];
        return AuthProblems.WriteForbiddenAsync(context, scopes);
    }
}
