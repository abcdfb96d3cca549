using Microsoft.EntityFrameworkCore;

namespace Fleet.SchedulerService.Data;

/// <summary>eventsdb, schema <c>scheduler</c>: SchedulerService's cron jobs and the provider-events catalogue. Feature tables arrive with the features.</summary>
public sealed class SchedulerDbContext(DbContextOptions<SchedulerDbContext> options) : DbContext(options)
{
    public const string Schema = "scheduler";

    protected override void OnModelCreating(ModelBuilder builder) => builder.HasDefaultSchema(Schema);
}
