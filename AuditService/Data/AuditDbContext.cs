using Microsoft.EntityFrameworkCore;

namespace Fleet.AuditService.Data;

/// <summary>auditdb, schema <c>audit</c>: AuditService's audit events from every service and from outside. Feature tables arrive with the features.</summary>
public sealed class AuditDbContext(DbContextOptions<AuditDbContext> options) : DbContext(options)
{
    public const string Schema = "audit";

    protected override void OnModelCreating(ModelBuilder builder) => builder.HasDefaultSchema(Schema);
}
