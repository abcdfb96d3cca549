using System.Security.Claims;
using Fleet.AuthService.Audit;
using Fleet.ServiceDefaults.Audit;
using Fleet.AuthService.Data;
using Fleet.AuthService.Protocol;
using Fleet.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Fleet.AuthService.ApiKeys;

public sealed record CreateApiKeyRequest(string? Name, string[]? Scopes, DateTimeOffset? ExpiresAt);

public sealed record ApiKeyView(string Id, string Name, string[] Scopes, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

public sealed record CreatedApiKey(string Id, string Name, string Key, string[] Scopes, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>A user's own API keys. Only users (not machine clients); each sees and revokes only their own.</summary>
public static class ApiKeyEndpoints
{
    public static IEndpointRouteBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder routes)
    {
        var keys = routes.MapGroup("/auth/keys").WithTags("API keys").RequireAuthorization(BearerAuthentication.UserPolicy);
        keys.MapPost("/", Create);
        keys.MapGet("/", List);
        keys.MapDelete("/{id}", Revoke);
        return routes;
    }

    private static async Task<Results<Created<CreatedApiKey>, ValidationProblem>> Create(
        CreateApiKeyRequest request, ClaimsPrincipal principal, HttpContext context, AuthDbContext db, AuditLog audit, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var held = principal.GetScopes().ToHashSet(StringComparer.Ordinal);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100)
        {
            errors["name"] = ["A name of 1 to 100 characters is required."];
        }
        if (request.Scopes is not { Length: > 0 } || request.Scopes.Any(s => !held.Contains(s)))
        {
            errors["scopes"] = [$"One or more scopes, each held by the token making the request: {string.Join(' ', held)}."];
        }
        else if (request.Scopes.Contains(RoleScopes.Admin))
        {
            errors["scopes"] = ["API keys cannot hold the admin scope."];
        }
        if (request.ExpiresAt <= now)
        {
            errors["expiresAt"] = ["The expiry must be in the future."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var userId = Guid.Parse(principal.FindFirstValue("sub")!);
        var key = new ApiKey
        {
            Id = Secrets.NewId(ApiKeyFormat.IdLength),
            UserId = userId,
            Name = request.Name!,
            Scopes = request.Scopes!.Distinct().ToArray(),
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
            SecretHash = [],
        };
        var plain = ApiKeyFormat.Compose(key.Id, Secrets.NewSecret());
        key.SecretHash = Secrets.Hash(plain);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);

        audit.Record(AuditCategories.Credentials, "api_key.created", "success", "user", userId.ToString(),
            new AuditResource("api_key", key.Id, key.Name), new Dictionary<string, object?> { ["scope"] = RoleScopes.Format(key.Scopes) });
        Secrets.NoStore(context); // the answer carries the key
        return TypedResults.Created($"/auth/keys/{key.Id}", new CreatedApiKey(key.Id, key.Name, plain, key.Scopes, key.CreatedAt, key.ExpiresAt));
    }

    private static async Task<Ok<ApiKeyView[]>> List(ClaimsPrincipal principal, AuthDbContext db, CancellationToken cancellationToken)
    {
        var userId = Guid.Parse(principal.FindFirstValue("sub")!);
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId).OrderBy(k => k.CreatedAt)
            .Select(k => new ApiKeyView(k.Id, k.Name, k.Scopes, k.CreatedAt, k.ExpiresAt, k.RevokedAt))
            .ToArrayAsync(cancellationToken);
        return TypedResults.Ok(keys);
    }

    private static async Task<Results<NoContent, NotFound>> Revoke(
        string id, ClaimsPrincipal principal, AuthDbContext db, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = Guid.Parse(principal.FindFirstValue("sub")!);
        var revoked = await db.ApiKeys.Where(k => k.Id == id && k.UserId == userId && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, time.GetUtcNow()), cancellationToken);
        if (revoked == 0)
        {
            return TypedResults.NotFound();
        }
        audit.Record(AuditCategories.Credentials, "api_key.revoked", "success", "user", userId.ToString(), new AuditResource("api_key", id));
        return TypedResults.NoContent();
    }
}
