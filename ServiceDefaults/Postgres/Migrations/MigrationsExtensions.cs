using System.Reflection;
using Fleet.ServiceDefaults.Postgres;
using Fleet.ServiceDefaults.Postgres.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

public static class MigrationsExtensions
{
    /// <summary>
    /// Applies the <c>Migrations/NNNN_description.sql</c> files embedded in <paramref name="assembly"/>
    /// (usually <c>typeof(Program).Assembly</c>) at start-up, before the service serves requests.
    /// The service's project embeds them with <c>&lt;EmbeddedResource Include="Migrations/*.sql" /&gt;</c>.
    /// </summary>
    public static PostgresDatabaseBuilder WithMigrations(this PostgresDatabaseBuilder database, Assembly assembly)
    {
        var migrations = SqlMigration.LoadEmbedded(assembly);
        if (migrations.Count == 0)
        {
            throw new InvalidOperationException(
                $"{assembly.GetName().Name} embeds no SQL migrations. Add Migrations/0001_<description>.sql and " +
                "<EmbeddedResource Include=\"Migrations/*.sql\" /> to the project file.");
        }

        database.HostBuilder.Services.AddHostedService(services => new SqlMigrationHostedService(
            new SqlMigrator(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<ILogger<SqlMigrator>>()),
            migrations));
        return database;
    }
}
