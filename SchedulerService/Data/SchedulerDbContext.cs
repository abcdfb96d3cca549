using Microsoft.EntityFrameworkCore;

namespace Fleet.SchedulerService.Data;

/// <summary>eventsdb, schema <c>scheduler</c>, snake_case: the provider-events catalogue (and, with them, the cron jobs' runs).</summary>
public sealed class SchedulerDbContext(DbContextOptions<SchedulerDbContext> options) : DbContext(options)
{
    public const string Schema = "scheduler";

    public DbSet<CataloguedPlan> Plans => Set<CataloguedPlan>();

    public DbSet<JobRun> JobRuns => Set<JobRun>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.HasDefaultSchema(Schema);

        builder.Entity<CataloguedPlan>(plan =>
        {
            plan.ToTable("plans");
            plan.HasKey(p => p.Id);
            plan.Property(p => p.Id).ValueGeneratedNever();
            plan.Property(p => p.StartsAt).HasColumnType("timestamp without time zone");
            plan.Property(p => p.EndsAt).HasColumnType("timestamp without time zone");
            plan.Property(p => p.SellFrom).HasColumnType("timestamp without time zone");
            plan.Property(p => p.SellTo).HasColumnType("timestamp without time zone");
            plan.Property(p => p.MinPrice).HasPrecision(12, 2);
            plan.Property(p => p.MaxPrice).HasPrecision(12, 2);
            plan.Property(p => p.Zones).HasColumnType("jsonb");
            // Search: a range on the start, in the order answers are sorted, and what an answer needs beside it, so
            // that a search over millions of plans reads the index alone.
            plan.HasIndex(p => new { p.StartsAt, p.Title })
                .IncludeProperties(p => new { p.EndsAt, p.Id, p.MinPrice, p.MaxPrice })
                .HasDatabaseName("ix_plans_search");
        });

        builder.Entity<JobRun>(run =>
        {
            run.ToTable("job_runs");
            run.HasKey(r => r.Id);
            run.Property(r => r.Id).ValueGeneratedNever();
            run.HasIndex(r => new { r.Job, r.ScheduledFor }).IsUnique().HasFilter("scheduled_for IS NOT NULL");
            run.HasIndex(r => new { r.Job, r.StartedAt });
        });
    }
}
