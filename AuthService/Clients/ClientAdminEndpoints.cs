using System.Security.Claims;
using Fleet.AuthService.ApiKeys;
using Fleet.AuthService.Audit;
using Fleet.AuthService.Data;
using Fleet.AuthService.Protocol;
using Fleet.ServiceDefaults.Audit;
using Fleet.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Fleet.AuthService.Clients;

public sealed record CreateClientRequest(string? ClientId, string? Name, string[]? GrantTypes, string[]? Scopes, bool Introspect);

public sealed record ClientSecretResponse(string ClientId, string ClientSecret);

/// <summary>
/// Confidential client administration on OpenIddict's application manager: admins only. A secret is shown once, when
/// created or rotated. Deleting a client deletes its authorizations and refresh tokens with it.
/// </summary>
public static class ClientAdminEndpoints
{
    public static IEndpointRouteBuilder MapClientAdminEndpoints(this IEndpointRouteBuilder routes)
    {
        var clients = routes.MapGroup("/auth/admin/clients").WithTags("Clients").RequireAuthorization(FleetPolicies.Admin);
        clients.MapPost("/", Create);
        clients.MapGet("/", List);
        clients.MapPost("/{clientId}/secret", RotateSecret);
        clients.MapDelete("/{clientId}", Delete);
        return routes;
    }

    private static async Task<Results<Created<ClientSecretResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateClientRequest request, ClaimsPrincipal admin, HttpContext context, IOpenIddictApplicationManager applications, AuthDbContext db,
        AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
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
        if (request.GrantTypes is not { Length: > 0 } grants || grants.Any(g => !ClientDescriptors.ConfidentialGrantTypes.Contains(g)))
        {
            errors["grantTypes"] = [$"One or more of: {string.Join(", ", ClientDescriptors.ConfidentialGrantTypes)}."];
        }
        if (request.Scopes?.Any(s => !RoleScopes.All.Contains(s)) == true)
        {
            errors["scopes"] = [$"Known scopes: {string.Join(' ', RoleScopes.All)}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        // Ids differing only in case would look like one client to a person reading logs and audit events.
        var lowered = request.ClientId!.ToLowerInvariant();
        if (await db.Set<OpenIddictEntityFrameworkCoreApplication<Guid>>().AnyAsync(a => a.ClientId!.ToLower() == lowered, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The client id is taken.",
                detail: "Client ids are compared without regard to case.");
        }

        var secret = Secrets.NewSecret();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = request.ClientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = request.Name ?? request.ClientId,
        };
        ClientDescriptors.SetPermissions(descriptor, request.GrantTypes!, request.Scopes ?? [], request.Introspect);
        ClientDescriptors.MarkCreated(descriptor, time.GetUtcNow());
        try
        {
            await applications.CreateAsync(descriptor, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Created concurrently since the check above (the unique index on lower(client_id)).
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The client id is taken.");
        }
        Record(audit, admin, "client.created", request.ClientId!);
        Secrets.NoStore(context); // the answer carries the secret
        return TypedResults.Created($"/auth/admin/clients/{request.ClientId}", new ClientSecretResponse(request.ClientId!, secret));
    }

    private static async Task<Ok<ClientView[]>> List(IOpenIddictApplicationManager applications, CancellationToken cancellationToken)
    {
        var views = new List<ClientView>();
        await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken))
        {
            var descriptor = new OpenIddictApplicationDescriptor();
            await applications.PopulateAsync(descriptor, application, cancellationToken);
            views.Add(ClientDescriptors.View(descriptor));
        }
        return TypedResults.Ok(views.OrderBy(v => v.ClientId, StringComparer.Ordinal).ToArray());
    }

    private static async Task<Results<Ok<ClientSecretResponse>, NotFound>> RotateSecret(
        string clientId, ClaimsPrincipal admin, HttpContext context, IOpenIddictApplicationManager applications, AuditLog audit, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (application is null || await applications.HasClientTypeAsync(application, ClientTypes.Public, cancellationToken))
        {
            return TypedResults.NotFound();
        }
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, cancellationToken);
        var secret = Secrets.NewSecret();
        descriptor.ClientSecret = secret;
        ClientDescriptors.MarkSecretRotated(descriptor, time.GetUtcNow());
        await applications.UpdateAsync(application, descriptor, cancellationToken);
        Record(audit, admin, "client.secret_rotated", clientId);
        Secrets.NoStore(context); // the answer carries the secret
        return TypedResults.Ok(new ClientSecretResponse(clientId, secret));
    }

    private static async Task<Results<NoContent, NotFound>> Delete(
        string clientId, ClaimsPrincipal admin, IOpenIddictApplicationManager applications, AuditLog audit, CancellationToken cancellationToken)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (application is null)
        {
            return TypedResults.NotFound();
        }
        await applications.DeleteAsync(application, cancellationToken);
        Record(audit, admin, "client.deleted", clientId);
        return TypedResults.NoContent();
    }

    private static void Record(AuditLog audit, ClaimsPrincipal admin, string action, string clientId) =>
        audit.Record(AuditCategories.Administration, action, "success", admin, new AuditResource("client", clientId));
}
