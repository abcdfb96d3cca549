using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace Fleet.ServiceDefaultsTests.Postgres.Widgets;

/// <summary>A service's database as the services set theirs up: a schema of its own, with hand-written migrations.</summary>
public sealed class WidgetsDbContext(DbContextOptions<WidgetsDbContext> options) : DbContext(options)
{
    public const string Schema = "widgets";

    protected override void OnModelCreating(ModelBuilder builder) => builder.HasDefaultSchema(Schema);

    /// <summary>For <c>AddNpgsqlDbContext</c>: the test's migration is written by hand, without a model snapshot.</summary>
    public static void Configure(DbContextOptionsBuilder options) => options
        .UseMigrationsHistoryIn(Schema)
        .ConfigureWarnings(warnings => warnings.Ignore(RelationalEventId.PendingModelChangesWarning));
}
