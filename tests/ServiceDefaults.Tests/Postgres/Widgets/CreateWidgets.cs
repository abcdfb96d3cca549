using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fleet.ServiceDefaultsTests.Postgres.Widgets;

/// <summary>Fails if applied twice (plain CREATE TABLE), and is slow enough for two replicas to overlap.</summary>
[DbContext(typeof(WidgetsDbContext))]
[Migration("20260101000000_CreateWidgets")]
public sealed class CreateWidgets : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.EnsureSchema(WidgetsDbContext.Schema);
        migrationBuilder.Sql("CREATE TABLE widgets.widgets (id bigint PRIMARY KEY, name text NOT NULL);");
        migrationBuilder.Sql("SELECT pg_sleep(0.5);");
        migrationBuilder.Sql("INSERT INTO widgets.widgets VALUES (1, 'sprocket'), (2, 'gear');");
    }
}
