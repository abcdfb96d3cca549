using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Fleet.AuditService.Data.Migrations
{
    /// <inheritdoc />
    public partial class Events : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // One table partitioned by day on occurred_at, its partitions kept by pg_partman: a week made ahead, a default
            // partition for events from before the first one. The primary key (occurred_at, id) makes a re-sent event a
            // no-op and serves the newest-first keyset pages; the other indexes serve the filters a query names.
            migrationBuilder.Sql("""
                CREATE SCHEMA IF NOT EXISTS partman;
                CREATE EXTENSION IF NOT EXISTS pg_partman SCHEMA partman;

                CREATE TABLE audit.events (
                    id uuid NOT NULL,
                    occurred_at timestamptz NOT NULL,
                    received_at timestamptz NOT NULL,
                    application text NOT NULL,
                    environment text NOT NULL,
                    category text NOT NULL,
                    action text NOT NULL,
                    outcome text NOT NULL,
                    level text NOT NULL,
                    actor_type text NOT NULL,
                    actor_id text NOT NULL,
                    actor_origin text,
                    resource_type text,
                    resource_id text,
                    resource_name text,
                    trace_id text,
                    tags jsonb,
                    metrics jsonb,
                    details jsonb,
                    submitted_by text,
                    PRIMARY KEY (occurred_at, id)
                ) PARTITION BY RANGE (occurred_at);

                CREATE INDEX ix_events_application ON audit.events (application, category, occurred_at);
                CREATE INDEX ix_events_actor ON audit.events (actor_id, occurred_at);
                CREATE INDEX ix_events_submitted_by ON audit.events (submitted_by, occurred_at);
                CREATE INDEX ix_events_resource ON audit.events (resource_type, resource_id);
                CREATE INDEX ix_events_tags ON audit.events USING gin (tags jsonb_path_ops);

                SELECT partman.create_parent(
                    p_parent_table := 'audit.events', p_control := 'occurred_at', p_type := 'native', p_interval := '1 day',
                    p_premake := 7, p_start_partition := (current_date - 7)::text);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DELETE FROM partman.part_config WHERE parent_table = 'audit.events';
                DROP TABLE audit.events;
                """);
        }
    }
}
