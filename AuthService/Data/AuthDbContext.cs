using System.Text.RegularExpressions;
using Fleet.AuthService.ApiKeys;
using Fleet.AuthService.Keys;
using Fleet.AuthService.Users;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace Fleet.AuthService.Data;

/// <summary>
/// authdb, schema <c>auth</c>, with snake_case names throughout. The schema is this model's EF Core
/// migrations (Data/Migrations, made with <c>dotnet ef migrations add</c>), applied at start-up. Users and roles are
/// ASP.NET Core Identity's; clients, authorizations and tokens OpenIddict's (tables <c>oidc_*</c>); API keys, signing
/// keys and the Data Protection key ring Fleet's.
/// </summary>
public sealed class AuthDbContext(DbContextOptions<AuthDbContext> options)
    : IdentityDbContext<FleetUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    public const string Schema = "auth";

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();

    /// <summary>Shared by every replica: the sign-in cookie, antiforgery and OpenIddict's refresh tokens and codes.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    private static readonly Guid UserRoleId = new("0b6a3c1e-1f1d-4c55-9d7e-000000000001");
    private static readonly Guid AdminRoleId = new("0b6a3c1e-1f1d-4c55-9d7e-000000000002");

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.HasDefaultSchema(Schema);

        builder.Entity<FleetUser>(user =>
        {
            user.ToTable("users");
            // Unique, not just indexed as in Identity's model: RequireUniqueEmail is checked in the app, this closes the race.
            user.HasIndex(u => u.NormalizedEmail).IsUnique();
        });
        builder.Entity<IdentityRole<Guid>>(role =>
        {
            role.ToTable("roles");
            // The two roles of the auth contract.
            role.HasData(
                new IdentityRole<Guid> { Id = UserRoleId, Name = "user", NormalizedName = "USER", ConcurrencyStamp = UserRoleId.ToString() },
                new IdentityRole<Guid> { Id = AdminRoleId, Name = "admin", NormalizedName = "ADMIN", ConcurrencyStamp = AdminRoleId.ToString() });
        });
        builder.Entity<IdentityUserRole<Guid>>().ToTable("user_roles");
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("user_tokens");
        builder.Entity<IdentityRoleClaim<Guid>>().ToTable("role_claims");

        builder.UseOpenIddict<Guid>();
        builder.Entity<OpenIddictEntityFrameworkCoreApplication<Guid>>().ToTable("oidc_applications");
        builder.Entity<OpenIddictEntityFrameworkCoreAuthorization<Guid>>().ToTable("oidc_authorizations");
        builder.Entity<OpenIddictEntityFrameworkCoreScope<Guid>>().ToTable("oidc_scopes");
        builder.Entity<OpenIddictEntityFrameworkCoreToken<Guid>>().ToTable("oidc_tokens");
        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");

        builder.Entity<ApiKey>(key =>
        {
            key.ToTable("api_keys");
            key.Property(k => k.Id).HasMaxLength(12);
            key.Property(k => k.Name).HasMaxLength(100);
            key.HasIndex(k => k.UserId);
            key.HasOne<FleetUser>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<SigningKey>(key =>
        {
            key.ToTable("signing_keys");
            key.Property(k => k.Id).HasMaxLength(64);
            key.Property(k => k.Algorithm).HasMaxLength(16);
            // One active (signing) key per algorithm, whatever the number of replicas rotating.
            key.HasIndex(k => k.Algorithm).IsUnique().HasFilter("deactivated_at IS NULL").HasDatabaseName("signing_keys_one_active");
        });

        ApplySnakeCaseNames(builder);
    }

    private static void ApplySnakeCaseNames(ModelBuilder builder)
    {
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
            foreach (var key in entity.GetKeys())
            {
                key.SetName(key.IsPrimaryKey() ? $"{table}_pkey" : $"{table}_{string.Join("_", key.Properties.Select(p => SnakeCase(p.Name)))}_key");
            }
            foreach (var foreignKey in entity.GetForeignKeys())
            {
                foreignKey.SetConstraintName($"{table}_{string.Join("_", foreignKey.Properties.Select(p => SnakeCase(p.Name)))}_fkey");
            }
            foreach (var index in entity.GetIndexes())
            {
                if (index.GetDatabaseName() is not "signing_keys_one_active")
                {
                    index.SetDatabaseName($"{table}_{string.Join("_", index.Properties.Select(p => SnakeCase(p.Name)))}_{(index.IsUnique ? "key" : "idx")}");
                }
            }
        }
    }

    private static string SnakeCase(string name) => Regex.Replace(name, "(?<=[a-z0-9])([A-Z])", "_$1").ToLowerInvariant();
}
