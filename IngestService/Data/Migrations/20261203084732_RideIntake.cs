using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.IngestService.Data.Migrations
{
    /// <inheritdoc />
    public partial class RideIntake : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "rides");

            migrationBuilder.CreateTable(
                name: "request_parts",
                schema: "rides",
                columns: table => new
                {
                    tracking_id = table.Column<Guid>(type: "uuid", nullable: false),
                    part = table.Column<int>(type: "integer", nullable: false),
                    rows = table.Column<int>(type: "integer", nullable: false),
                    stored_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    failed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    failure = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_request_parts", x => new { x.tracking_id, x.part });
                });

            migrationBuilder.CreateTable(
                name: "requests",
                schema: "rides",
                columns: table => new
                {
                    tracking_id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    format = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    parts = table.Column<int>(type: "integer", nullable: false),
                    rows_received = table.Column<int>(type: "integer", nullable: false),
                    rows_accepted = table.Column<int>(type: "integer", nullable: false),
                    rows_rejected = table.Column<int>(type: "integer", nullable: false),
                    rejected = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_requests", x => x.tracking_id);
                });

            migrationBuilder.CreateTable(
                name: "rides",
                schema: "rides",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    user_id = table.Column<long>(type: "bigint", nullable: false),
                    vehicle_model_id = table.Column<int>(type: "integer", nullable: false),
                    package_id = table.Column<int>(type: "integer", nullable: true),
                    travel_type_id = table.Column<int>(type: "integer", nullable: false),
                    from_area_id = table.Column<int>(type: "integer", nullable: true),
                    to_area_id = table.Column<int>(type: "integer", nullable: true),
                    from_city_id = table.Column<int>(type: "integer", nullable: true),
                    to_city_id = table.Column<int>(type: "integer", nullable: true),
                    from_date = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    to_date = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    online_booking = table.Column<bool>(type: "boolean", nullable: false),
                    mobile_site_booking = table.Column<bool>(type: "boolean", nullable: false),
                    booking_created = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    from_lat = table.Column<double>(type: "double precision", nullable: true),
                    from_long = table.Column<double>(type: "double precision", nullable: true),
                    to_lat = table.Column<double>(type: "double precision", nullable: true),
                    to_long = table.Column<double>(type: "double precision", nullable: true),
                    car_cancellation = table.Column<bool>(type: "boolean", nullable: false),
                    distance_km = table.Column<double>(type: "double precision", nullable: true, computedColumnSql: "CASE WHEN from_lat IS NULL OR to_lat IS NULL THEN NULL ELSE 2 * 6371.0088 * asin(least(1, sqrt(power(sin(radians(to_lat - from_lat) / 2), 2) + cos(radians(from_lat)) * cos(radians(to_lat)) * power(sin(radians(to_long - from_long) / 2), 2)))) END", stored: true),
                    tracking_id = table.Column<Guid>(type: "uuid", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    seq = table.Column<long>(type: "bigint", nullable: false),
                    stored_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rides", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_rides_from_area_id_from_date",
                schema: "rides",
                table: "rides",
                columns: new[] { "from_area_id", "from_date" });

            migrationBuilder.CreateIndex(
                name: "ix_rides_from_city_id_from_date",
                schema: "rides",
                table: "rides",
                columns: new[] { "from_city_id", "from_date" });

            migrationBuilder.CreateIndex(
                name: "ix_rides_from_date_id",
                schema: "rides",
                table: "rides",
                columns: new[] { "from_date", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_rides_vehicle_model_id_from_date",
                schema: "rides",
                table: "rides",
                columns: new[] { "vehicle_model_id", "from_date" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "request_parts",
                schema: "rides");

            migrationBuilder.DropTable(
                name: "requests",
                schema: "rides");

            migrationBuilder.DropTable(
                name: "rides",
                schema: "rides");
        }
    }
}
