using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.IngestService.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The model has no tables yet, so EF would emit nothing: the schema is made here by hand.
            migrationBuilder.EnsureSchema(name: "rides");
            migrationBuilder.Sql("COMMENT ON SCHEMA rides IS 'IngestService: XRides ride feed intake, tracking and analytics';");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The migrations history table lives in the schema, so the schema stays.
            migrationBuilder.Sql("COMMENT ON SCHEMA rides IS NULL;");
        }
    }
}
