using System.Text.Json;
using Fleet.SchedulerService.Catalogue.Feed;
using Npgsql;
using NpgsqlTypes;

namespace Fleet.SchedulerService.Catalogue;

/// <summary>
/// Applies a provider document to <c>scheduler.plans</c> in one transaction: its plans are copied into a staging table,
/// then inserted or updated where they differ (a plan of an offline base plan only if it was catalogued before), and the
/// plans it no longer holds are marked out of the feed. A document applied twice changes nothing the second time.
/// </summary>
public sealed class CatalogueStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const string CreateStaging = """
        CREATE TEMP TABLE plan_staging (
            position int, id uuid, base_plan_id bigint, plan_id bigint, title text, online boolean, organizer_company_id bigint,
            starts_at timestamp, ends_at timestamp, sell_from timestamp, sell_to timestamp, sold_out boolean,
            min_price numeric(12,2), max_price numeric(12,2), zones jsonb
        ) ON COMMIT DROP
        """;

    private const string Columns =
        "id, base_plan_id, plan_id, title, online, organizer_company_id, starts_at, ends_at, sell_from, sell_to, sold_out, min_price, max_price, zones";

    // The last of a plan listed twice wins; a plan is never taken into the catalogue from an offline base plan.
    private const string Upsert = $"""
        WITH changed AS (
            INSERT INTO scheduler.plans AS p ({Columns}, first_seen_at, changed_at, in_feed)
            SELECT {Columns}, $1, $1, true FROM (
                SELECT DISTINCT ON (id) * FROM pg_temp.plan_staging ORDER BY id, position DESC
            ) s
            WHERE s.online OR EXISTS (SELECT 1 FROM scheduler.plans e WHERE e.id = s.id)
            ORDER BY id
            ON CONFLICT (id) DO UPDATE SET
                title = excluded.title, online = excluded.online, organizer_company_id = excluded.organizer_company_id,
                starts_at = excluded.starts_at, ends_at = excluded.ends_at, sell_from = excluded.sell_from, sell_to = excluded.sell_to,
                sold_out = excluded.sold_out, min_price = excluded.min_price, max_price = excluded.max_price, zones = excluded.zones,
                changed_at = excluded.changed_at, in_feed = true
            WHERE NOT p.in_feed
               OR (p.title, p.online, p.organizer_company_id, p.starts_at, p.ends_at, p.sell_from, p.sell_to, p.sold_out, p.min_price, p.max_price, p.zones)
                  IS DISTINCT FROM
                  (excluded.title, excluded.online, excluded.organizer_company_id, excluded.starts_at, excluded.ends_at, excluded.sell_from,
                   excluded.sell_to, excluded.sold_out, excluded.min_price, excluded.max_price, excluded.zones)
            RETURNING xmax = 0 AS added
        )
        SELECT count(*) FILTER (WHERE added), count(*) FILTER (WHERE NOT added) FROM changed
        """;

    private const string MarkGone = """
        UPDATE scheduler.plans p SET in_feed = false, changed_at = $1
        WHERE p.in_feed AND NOT EXISTS (SELECT 1 FROM pg_temp.plan_staging s WHERE s.id = p.id)
        """;

    public async Task<CatalogueChange> ApplyAsync(ProviderDocument document, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand(CreateStaging, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        await CopyAsync(connection, document.Plans, cancellationToken);

        int added, changed;
        await using (var upsert = new NpgsqlCommand(Upsert, connection, transaction) { Parameters = { new() { Value = now } } })
        await using (var reader = await upsert.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (added, changed) = ((int)reader.GetInt64(0), (int)reader.GetInt64(1));
        }
        await using var gone = new NpgsqlCommand(MarkGone, connection, transaction) { Parameters = { new() { Value = now } } };
        var removed = await gone.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CatalogueChange(added, changed, removed);
    }

    private static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<FeedPlan> plans, CancellationToken cancellationToken)
    {
        await using var import = await connection.BeginBinaryImportAsync(
            $"COPY pg_temp.plan_staging (position, {Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        for (var position = 0; position < plans.Count; position++)
        {
            var plan = plans[position];
            await import.StartRowAsync(cancellationToken);
            await import.WriteAsync(position, NpgsqlDbType.Integer, cancellationToken);
            await import.WriteAsync(PlanId.For(plan.BasePlanId, plan.PlanId), NpgsqlDbType.Uuid, cancellationToken);
            await import.WriteAsync(plan.BasePlanId, NpgsqlDbType.Bigint, cancellationToken);
            await import.WriteAsync(plan.PlanId, NpgsqlDbType.Bigint, cancellationToken);
            await import.WriteAsync(plan.Title, NpgsqlDbType.Text, cancellationToken);
            await import.WriteAsync(plan.Online, NpgsqlDbType.Boolean, cancellationToken);
            await import.WriteAsync(plan.OrganizerCompanyId, NpgsqlDbType.Bigint, cancellationToken);
            await import.WriteAsync(plan.StartsAt, NpgsqlDbType.Timestamp, cancellationToken);
            await import.WriteAsync(plan.EndsAt, NpgsqlDbType.Timestamp, cancellationToken);
            await import.WriteAsync(plan.SellFrom, NpgsqlDbType.Timestamp, cancellationToken);
            await import.WriteAsync(plan.SellTo, NpgsqlDbType.Timestamp, cancellationToken);
            await import.WriteAsync(plan.SoldOut, NpgsqlDbType.Boolean, cancellationToken);
            await import.WriteAsync(plan.MinPrice, NpgsqlDbType.Numeric, cancellationToken);
            await import.WriteAsync(plan.MaxPrice, NpgsqlDbType.Numeric, cancellationToken);
            await import.WriteAsync(JsonSerializer.Serialize(plan.Zones, CatalogueJson.Default.IReadOnlyListFeedZone), NpgsqlDbType.Jsonb, cancellationToken);
        }
        await import.CompleteAsync(cancellationToken);
    }
}

/// <summary>What applying a document did to the catalogue.</summary>
public sealed record CatalogueChange(int Added, int Changed, int Removed)
{
    public bool Any => Added + Changed + Removed > 0;
}
