using Fleet.AuthService.Clients;
using Fleet.AuthService.Data;
using Fleet.AuthService.Protocol;
using Fleet.AuthService.Users;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.AuthService.Seeding;

/// <summary>
/// Seeds the first admin and the configured clients at start-up, after the migrations and before Kestrel
/// listens. Idempotent, and safe with several replicas: clients are upserted (configuration wins, except for the
/// secret of a client whose secret was rotated through the admin API: a restart must not bring the old one back), the
/// admin is created and never overwritten, all under an advisory lock.
/// </summary>
public sealed class StartupSeeder(IServiceScopeFactory scopes, IOptions<SeedOptions> options, TimeProvider time, ILogger<StartupSeeder> logger)
    : IHostedService
{
    private const long AdvisoryLockKey = 0x46_6C_65_65_74_53_65_64; // "FleetSed"

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        // One replica at a time. The lock is per session: the context's connection stays open so that the managers run on it.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
            await SeedClientsAsync(scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>(), cancellationToken);
            await SeedAdminAsync(scope.ServiceProvider.GetRequiredService<UserManager<FleetUser>>());
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task SeedClientsAsync(IOpenIddictApplicationManager applications, CancellationToken cancellationToken)
    {
        foreach (var (clientId, client) in options.Value.Clients)
        {
            var isPublic = client.Type == ClientTypes.Public;
            if (!isPublic && string.IsNullOrEmpty(client.Secret))
            {
                logger.LogWarning("Seed client {ClientId} skipped: no secret (set Seed__Clients__{ClientId}__Secret)", clientId, clientId);
                continue;
            }
            var grantTypes = isPublic ? [GrantTypes.AuthorizationCode] : ClientDescriptors.ConfidentialGrantTypes;
            var unknown = client.GrantTypes.Except(grantTypes).Concat(client.Scopes.Except(RoleScopes.All)).ToArray();
            if (unknown.Length > 0)
            {
                throw new InvalidOperationException($"Seed client {clientId} names grant types or scopes it cannot have: {string.Join(", ", unknown)}.");
            }

            var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
            var descriptor = new OpenIddictApplicationDescriptor();
            if (application is not null)
            {
                await applications.PopulateAsync(descriptor, application, cancellationToken);
            }
            descriptor.ClientId = clientId;
            descriptor.DisplayName = client.Name ?? clientId;
            descriptor.ClientType = isPublic ? ClientTypes.Public : ClientTypes.Confidential;
            // A secret rotated through the admin API survives a restart: the configuration must not bring the old one back.
            if (!isPublic && !ClientDescriptors.SecretWasRotated(descriptor))
            {
                descriptor.ClientSecret = client.Secret;
            }
            descriptor.RedirectUris.Clear();
            descriptor.RedirectUris.UnionWith(client.RedirectUris.Select(uri => new Uri(uri, UriKind.Absolute)));
            ClientDescriptors.SetPermissions(descriptor, client.GrantTypes, client.Scopes, client.Introspect);
            if (application is null)
            {
                ClientDescriptors.MarkCreated(descriptor, time.GetUtcNow());
                await applications.CreateAsync(descriptor, cancellationToken);
            }
            else
            {
                await applications.UpdateAsync(application, descriptor, cancellationToken);
            }
            logger.LogInformation("Seed client {ClientId}: {GrantTypes}; {Scopes}", clientId, client.GrantTypes, client.Scopes);
        }
    }

    private async Task SeedAdminAsync(UserManager<FleetUser> users)
    {
        var admin = options.Value.Admin;
        if (string.IsNullOrEmpty(admin.Password) || string.IsNullOrEmpty(admin.Email))
        {
            logger.LogWarning("No admin seeded: set Seed__Admin__Password and Seed:Admin:Email");
            return;
        }

        var user = await users.FindByNameAsync(admin.UserName);
        if (user is null)
        {
            user = new FleetUser { UserName = admin.UserName, Email = admin.Email, EmailConfirmed = true, CreatedAt = time.GetUtcNow() };
            var created = await users.CreateAsync(user, admin.Password);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException($"Seeding admin {admin.UserName} failed: {string.Join(" ", created.Errors.Select(e => e.Description))}");
            }
            logger.LogInformation("Seeded admin user {UserName}", admin.UserName);
        }
        foreach (var role in new[] { "user", "admin" })
        {
            if (!await users.IsInRoleAsync(user, role))
            {
                await users.AddToRoleAsync(user, role);
            }
        }
    }
}
