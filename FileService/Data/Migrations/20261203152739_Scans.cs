using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Fleet.FileService.Data.Migrations
{
    /// <inheritdoc />
    public partial class Scans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "scan_error",
                schema: "files",
                table: "files",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "scan_findings",
                schema: "files",
                table: "files",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "scan_rules_version",
                schema: "files",
                table: "files",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "scan_status",
                schema: "files",
                table: "files",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "pending");

            migrationBuilder.AddColumn<bool>(
                name: "scan_truncated",
                schema: "files",
                table: "files",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "scanned_at",
                schema: "files",
                table: "files",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "sensitivity",
                schema: "files",
                table: "files",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "outbox",
                schema: "files",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    routing_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    file_id = table.Column<Guid>(type: "uuid", nullable: false),
                    trace_parent = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox", x => x.id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "outbox",
                schema: "files");

            migrationBuilder.DropColumn(
                name: "scan_error",
                schema: "files",
                table: "files");

            migrationBuilder.DropColumn(
                name: "scan_findings",
                schema: "files",
                table: "files");

            migrationBuilder.DropColumn(
                name: "scan_rules_version",
                schema: "files",
                table: "files");

            migrationBuilder.DropColumn(
                name: "scan_status",
                schema: "files",
                table: "files");

            migrationBuilder.DropColumn(
                name: "scan_truncated",
                schema: "files",
                table: "files");

            migrationBuilder.DropColumn(
                name: "scanned_at",
                schema: "files",
                table: "files");

            migrationBuilder.DropColumn(
                name: "sensitivity",
                schema: "files",
                table: "files");
        }
    }
}
