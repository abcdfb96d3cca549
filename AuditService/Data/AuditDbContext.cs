using Microsoft.EntityFrameworkCore;

namespace Fleet.AuditService.Data;

/// <summary>
/// auditdb, schema <c>audit</c>: the retention policies. The events table itself (<c>audit.events</c>, partitioned by
/// day) is created by the Events migration in SQL, since EF Core does not model partitions, and read and written in SQL.
/// </summary>
public sealed class AuditDbContext(DbContextOptions<AuditDbContext> options) : DbContext(options)
{
    public const string Schema = "audit";

    public DbSet<RetentionPolicy> RetentionPolicies => Set<RetentionPolicy>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.HasDefaultSchema(Schema);
        builder.Entity<RetentionPolicy>(policy =>
        {
            policy.ToTable("retention_policies");
            policy.Property(p => p.Id).HasColumnName("id");
            policy.Property(p => p.Application).HasColumnName("application").HasMaxLength(64);
            policy.Property(p => p.Category).HasColumnName("category").HasMaxLength(64);
            policy.Property(p => p.Level).HasColumnName("level").HasMaxLength(16);
            policy.Property(p => p.KeepDays).HasColumnName("keep_days");
            policy.Property(p => p.CreatedAt).HasColumnName("created_at");
            policy.Property(p => p.CreatedBy).HasColumnName("created_by").HasMaxLength(256);
            policy.Ignore(p => p.Specificity);
            // One policy per combination: NULLS NOT DISTINCT, so that "any application" is a value too.
            policy.HasIndex(p => new { p.Application, p.Category, p.Level }).IsUnique().AreNullsDistinct(false)
                .HasDatabaseName("ux_retention_policies_match");
        });
    }
}
