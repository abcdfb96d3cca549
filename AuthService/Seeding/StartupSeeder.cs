using Fleet.AuthService.Data;
using Fleet.AuthService.Tokens;
using Fleet.AuthService.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.AuthService.Seeding;

/// <summary>
/// Seeds the first admin and the configured clients at start-up, after the migrations and before Kestrel
/// listens. Idempotent, and safe with several replicas: clients are upserted (configuration wins, except for the
/// secret of a client whose secret was rotated through the admin API: a restart must not bring the old one back), the
/// admin is created under an advisory lock and never overwritten.
/// </summary>
public sealed class StartupSeeder(IServiceScopeFactory scopes, IOptions<SeedOptions> options, TimeProvider time, ILogger<StartupSeeder> logger)
    : IHostedService
{
    private const long AdvisoryLockKey = 0x46_6C_65_65_74_53_65_64; // "FleetSed"

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        await SeedClientsAsync(db, cancellationToken);
        await SeedAdminAsync(db, scope.ServiceProvider.GetRequiredService<UserManager<FleetUser>>(), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task SeedClientsAsync(AuthDbContext db, CancellationToken cancellationToken)
    {
        foreach (var (clientId, client) in options.Value.Clients)
        {
            if (string.IsNullOrEmpty(client.Secret))
            {
                logger.LogWarning("Seed client {ClientId} skipped: no secret (set Seed__Clients__{ClientId}__Secret)", clientId, clientId);
                continue;
            }
            var unknown = client.GrantTypes.Except(TokenGrants.Supported).Concat(client.Scopes.Except(Scopes.All)).ToArray();
            if (unknown.Length > 0)
            {
                throw new InvalidOperationException($"Seed client {clientId} names unknown grant types or scopes: {string.Join(", ", unknown)}.");
            }
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""
                INSERT INTO auth.clients (client_id, name, secret_hash, grant_types, scopes, can_introspect, created_at)
                VALUES ({clientId}, {client.Name ?? clientId}, {Secrets.Hash(client.Secret)}, {client.GrantTypes}, {client.Scopes}, {client.Introspect}, {time.GetUtcNow()})
                ON CONFLICT (client_id) DO UPDATE SET name = excluded.name,
                    secret_hash = CASE WHEN clients.secret_rotated_at IS NULL THEN excluded.secret_hash ELSE clients.secret_hash END,
                    grant_types = excluded.grant_types, scopes = excluded.scopes, can_introspect = excluded.can_introspect
                """, cancellationToken);
            logger.LogInformation("Seed client {ClientId}: {GrantTypes}; {Scopes}", clientId, client.GrantTypes, client.Scopes);
        }
    }

    private async Task SeedAdminAsync(AuthDbContext db, UserManager<FleetUser> users, CancellationToken cancellationToken)
    {
        var admin = options.Value.Admin;
        if (string.IsNullOrEmpty(admin.Password) || string.IsNullOrEmpty(admin.Email))
        {
            logger.LogWarning("No admin seeded: set Seed__Admin__Password and Seed:Admin:Email");
            return;
        }

        // The lock is per session: hold the context's connection open so UserManager runs on the same one.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
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
        finally
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }
}
