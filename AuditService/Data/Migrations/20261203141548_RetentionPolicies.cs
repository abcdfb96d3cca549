using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.AuditService.Data.Migrations
{
    /// <inheritdoc />
    public partial class RetentionPolicies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "audit");

            migrationBuilder.CreateTable(
                name: "retention_policies",
                schema: "audit",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    application = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    category = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    level = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    keep_days = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_retention_policies", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ux_retention_policies_match",
                schema: "audit",
                table: "retention_policies",
                columns: new[] { "application", "category", "level" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "retention_policies",
                schema: "audit");
        }
    }
}
