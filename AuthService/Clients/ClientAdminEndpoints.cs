using Fleet.ServiceDefaults.Authentication;
using System.Security.Claims;
using Fleet.AuthService.Audit;
using Fleet.ServiceDefaults.Audit;
using Fleet.AuthService.Data;
using Fleet.AuthService.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Fleet.AuthService.Clients;

public sealed record CreateClientRequest(string? ClientId, string? Name, string[]? GrantTypes, string[]? Scopes, bool Introspect);

public sealed record ClientView(string ClientId, string Name, string[] GrantTypes, string[] Scopes, bool Introspect,
    DateTimeOffset CreatedAt, DateTimeOffset? SecretRotatedAt, DateTimeOffset? DisabledAt)
{
    public static ClientView From(OAuthClient c) =>
        new(c.ClientId, c.Name, c.GrantTypes, c.Scopes, c.CanIntrospect, c.CreatedAt, c.SecretRotatedAt, c.DisabledAt);
}

public sealed record ClientSecretResponse(string ClientId, string ClientSecret);

/// <summary>OAuth client administration: admins only. A secret is shown once, when created or rotated.</summary>
public static class ClientAdminEndpoints
{
    public static IEndpointRouteBuilder MapClientAdminEndpoints(this IEndpointRouteBuilder routes)
    {
        var clients = routes.MapGroup("/auth/admin/clients").WithTags("Clients").RequireAuthorization(FleetPolicies.Admin);
        clients.MapPost("/", Create);
        clients.MapGet("/", List);
        clients.MapPost("/{clientId}/secret", RotateSecret);
        clients.MapDelete("/{clientId}", Disable);
        return routes;
    }

    private static async Task<Results<Created<ClientSecretResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateClientRequest request, ClaimsPrincipal admin, HttpContext context, AuthDbContext db, AuditLog audit, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.ClientId is not { Length: > 0 and <= 64 } id || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors["clientId"] = ["1 to 64 letters, digits, '-', '_' or '.'."];
        }
        if (request.Name is { Length: > 200 })
        {
            errors["name"] = ["At most 200 characters."];
        }
        if (request.GrantTypes is not { Length: > 0 } grants || grants.Any(g => !TokenGrants.Supported.Contains(g)))
        {
            errors["grantTypes"] = [$"One or more of: {string.Join(", ", TokenGrants.Supported)}."];
        }
        if (request.Scopes?.Any(s => !Scopes.All.Contains(s)) == true)
        {
            errors["scopes"] = [$"Known scopes: {string.Join(' ', Scopes.All)}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        // Ids differing only in case would look like one client to a person reading logs and audit events.
        var lowered = request.ClientId!.ToLowerInvariant();
        if (await db.Clients.AnyAsync(c => c.ClientId.ToLower() == lowered, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The client id is taken.",
                detail: "Client ids are compared without regard to case.");
        }

        var secret = Secrets.NewSecret();
        var client = new OAuthClient
        {
            ClientId = request.ClientId!,
            Name = request.Name ?? request.ClientId!,
            SecretHash = Secrets.Hash(secret),
            GrantTypes = request.GrantTypes!.Distinct().ToArray(),
            Scopes = (request.Scopes ?? []).Distinct().ToArray(),
            CanIntrospect = request.Introspect,
            CreatedAt = time.GetUtcNow(),
        };
        db.Clients.Add(client);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Created concurrently since the check above.
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The client id is taken.");
        }
        Record(audit, admin, "client.created", client.ClientId);
        Secrets.NoStore(context); // the answer carries the secret
        return TypedResults.Created($"/auth/admin/clients/{client.ClientId}", new ClientSecretResponse(client.ClientId, secret));
    }

    private static async Task<Ok<ClientView[]>> List(AuthDbContext db, CancellationToken cancellationToken)
    {
        var clients = await db.Clients.AsNoTracking().OrderBy(c => c.ClientId).ToArrayAsync(cancellationToken);
        return TypedResults.Ok(clients.Select(ClientView.From).ToArray());
    }

    private static async Task<Results<Ok<ClientSecretResponse>, NotFound>> RotateSecret(
        string clientId, ClaimsPrincipal admin, HttpContext context, AuthDbContext db, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var secret = Secrets.NewSecret();
        var hash = Secrets.Hash(secret);
        var updated = await db.Clients.Where(c => c.ClientId == clientId && c.DisabledAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.SecretHash, hash).SetProperty(c => c.SecretRotatedAt, time.GetUtcNow()), cancellationToken);
        if (updated == 0)
        {
            return TypedResults.NotFound();
        }
        Record(audit, admin, "client.secret_rotated", clientId);
        Secrets.NoStore(context); // the answer carries the secret
        return TypedResults.Ok(new ClientSecretResponse(clientId, secret));
    }

    private static async Task<Results<NoContent, NotFound>> Disable(
        string clientId, ClaimsPrincipal admin, AuthDbContext db, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var disabled = await db.Clients.Where(c => c.ClientId == clientId && c.DisabledAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.DisabledAt, now), cancellationToken);
        if (disabled == 0)
        {
            return TypedResults.NotFound();
        }
        // Its users' sessions end with it: every family under its lock, so a refresh running right now cannot
        // leave a live child behind.
        var families = await db.RefreshTokens.Where(t => t.ClientId == clientId && t.RevokedAt == null)
            .Select(t => t.FamilyId).Distinct().OrderBy(f => f).ToListAsync(cancellationToken);
        foreach (var familyId in families)
        {
            await TokenGrants.LockFamilyAsync(db, familyId, cancellationToken);
        }
        await db.RefreshTokens.Where(t => t.ClientId == clientId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Record(audit, admin, "client.disabled", clientId);
        return TypedResults.NoContent();
    }

    private static void Record(AuditLog audit, ClaimsPrincipal admin, string action, string clientId) =>
        audit.Record(AuditCategories.Administration, action, "success", admin, new AuditResource("client", clientId));
}
