using Fleet.ServiceDefaults.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class DatabaseMigrationsExtensions
{
    /// <summary>
    /// Applies <typeparamref name="TContext"/>'s EF Core migrations at start-up, before the service takes
    /// traffic, safely when replicas start together (see <see cref="DatabaseMigrator"/>).
    /// </summary>
    public static IHostApplicationBuilder AddDatabaseMigrations<TContext>(this IHostApplicationBuilder builder)
        where TContext : DbContext
    {
        builder.Services.AddHostedService<DatabaseMigrationService<TContext>>();
        return builder;
    }

    /// <summary>
    /// For <c>AddNpgsqlDbContext</c>'s <c>configureDbContextOptions</c>: keeps the migrations history table
    /// in the service's own schema, beside the tables it describes.
    /// </summary>
    public static DbContextOptionsBuilder UseMigrationsHistoryIn(this DbContextOptionsBuilder options, string schema) =>
        options.UseNpgsql(npgsql => npgsql.MigrationsHistoryTable(HistoryRepository.DefaultTableName, schema));
}
