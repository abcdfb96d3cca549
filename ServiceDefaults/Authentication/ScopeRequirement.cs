using Microsoft.AspNetCore.Authorization;

namespace Fleet.ServiceDefaults.Authentication;

/// <summary>The caller's token (or API key) grants <see cref="Scope"/>.</summary>
public sealed class ScopeRequirement(string scope) : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    public string Scope { get; } = scope;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (context.User.HasScope(requirement.Scope))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    public override string ToString() => $"scope '{Scope}'";
}
