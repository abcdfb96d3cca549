using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.SchedulerService.Data.Migrations
{
    /// <inheritdoc />
    public partial class Catalogue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "scheduler");

            migrationBuilder.CreateTable(
                name: "plans",
                schema: "scheduler",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    base_plan_id = table.Column<long>(type: "bigint", nullable: false),
                    plan_id = table.Column<long>(type: "bigint", nullable: false),
                    title = table.Column<string>(type: "text", nullable: false),
                    online = table.Column<bool>(type: "boolean", nullable: false),
                    organizer_company_id = table.Column<long>(type: "bigint", nullable: true),
                    starts_at = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    ends_at = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    sell_from = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    sell_to = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    sold_out = table.Column<bool>(type: "boolean", nullable: false),
                    min_price = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: true),
                    max_price = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: true),
                    zones = table.Column<string>(type: "jsonb", nullable: false),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    in_feed = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plans", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_plans_search",
                schema: "scheduler",
                table: "plans",
                columns: new[] { "starts_at", "title" })
                .Annotation("Npgsql:IndexInclude", new[] { "ends_at", "id", "min_price", "max_price" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "plans",
                schema: "scheduler");
        }
    }
}
