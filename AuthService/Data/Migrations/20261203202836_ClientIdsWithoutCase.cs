using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.AuthService.Data.Migrations
{
    /// <inheritdoc />
    public partial class ClientIdsWithoutCase : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Client ids that differ only in case are one id to people reading logs and audit events. The admin API
            // checks before it creates; this index settles two creations at the same moment. EF Core's model cannot
            // express an index on an expression, so it lives here only.
            migrationBuilder.Sql("CREATE UNIQUE INDEX oidc_applications_client_id_lower_key ON auth.oidc_applications (lower(client_id));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX auth.oidc_applications_client_id_lower_key;");
        }
    }
}
