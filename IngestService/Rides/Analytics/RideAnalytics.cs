using Npgsql;

namespace Fleet.IngestService.Rides.Analytics;

/// <summary>
/// The analytics, each one SQL aggregate over <c>rides.rides</c> within the filter. Hours are the operator's
/// (Asia/Kolkata); areas and cities are the pickup's.
/// </summary>
public sealed class RideAnalytics(NpgsqlDataSource dataSource)
{
    private const string Where = """
        ($1::timestamptz IS NULL OR from_date >= $1) AND ($2::timestamptz IS NULL OR from_date < $2) AND ($3::int IS NULL OR from_city_id = $3)
        """;

    public Task<IReadOnlyList<CancellationRow>> CancellationsByHourAsync(AnalyticsFilter filter, CancellationToken cancellationToken) =>
        QueryAsync(filter, $"""
            WITH counts AS (
                SELECT extract(hour FROM from_date AT TIME ZONE 'Asia/Kolkata')::int AS hour, count(*) AS rides,
                       count(*) FILTER (WHERE car_cancellation) AS cancelled
                FROM rides.rides WHERE {Where} GROUP BY 1)
            SELECT h, coalesce(rides, 0), coalesce(cancelled, 0) FROM generate_series(0, 23) AS h LEFT JOIN counts ON counts.hour = h ORDER BY h
            """, Rate, cancellationToken);

    public Task<IReadOnlyList<CancellationRow>> CancellationsByAsync(string column, AnalyticsFilter filter, int limit, CancellationToken cancellationToken) =>
        QueryAsync(filter, $"""
            SELECT {column}, count(*), count(*) FILTER (WHERE car_cancellation) FROM rides.rides
            WHERE {column} IS NOT NULL AND {Where} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $4
            """, Rate, cancellationToken, Value(limit));

    public Task<IReadOnlyList<RouteCount>> TopRoutesAsync(AnalyticsFilter filter, int limit, CancellationToken cancellationToken) =>
        QueryAsync(filter, $"""
            SELECT from_area_id, to_area_id, count(*) FROM rides.rides
            WHERE from_area_id IS NOT NULL AND to_area_id IS NOT NULL AND {Where} GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT $4
            """, r => new RouteCount(r.GetInt32(0), r.GetInt32(1), r.GetInt64(2)), cancellationToken, Value(limit));

    public Task<IReadOnlyList<AreaCount>> BusiestPickupAreasAsync(AnalyticsFilter filter, int limit, CancellationToken cancellationToken) =>
        QueryAsync(filter, $"""
            SELECT from_area_id, count(*) FROM rides.rides WHERE from_area_id IS NOT NULL AND {Where} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $4
            """, r => new AreaCount(r.GetInt32(0), r.GetInt64(1)), cancellationToken, Value(limit));

    public async Task<BookingChannels> BookingChannelsAsync(AnalyticsFilter filter, CancellationToken cancellationToken) =>
        (await QueryAsync(filter, $"""
            SELECT count(*), count(*) FILTER (WHERE online_booking), count(*) FILTER (WHERE mobile_site_booking AND NOT online_booking),
                   count(*) FILTER (WHERE NOT online_booking AND NOT mobile_site_booking)
            FROM rides.rides WHERE {Where}
            """, r => new BookingChannels(filter, r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)), cancellationToken))[0];

    public async Task<DistanceReport> DistancesAsync(AnalyticsFilter filter, double bucketKm, int buckets, CancellationToken cancellationToken)
    {
        var summary = (await QueryAsync(filter, $"""
            SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY distance_km), percentile_cont(0.9) WITHIN GROUP (ORDER BY distance_km),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY distance_km)
            FROM rides.rides WHERE distance_km IS NOT NULL AND {Where}
            """, r => (Rides: r.GetInt64(0), P50: Nullable(r, 1), P90: Nullable(r, 2), P99: Nullable(r, 3)), cancellationToken))[0];
        // The last bucket is open-ended: every trip of buckets * bucketKm or more.
        var counts = (await QueryAsync(filter, $"""
            SELECT least(floor(distance_km / $5)::int, $4 - 1), count(*) FROM rides.rides WHERE distance_km IS NOT NULL AND {Where} GROUP BY 1
            """, r => (Bucket: r.GetInt32(0), Rides: r.GetInt64(1)), cancellationToken, Value(buckets), Value(bucketKm))).ToDictionary(b => b.Bucket, b => b.Rides);
        var histogram = Enumerable.Range(0, buckets)
            .Select(b => new DistanceBucket(b * bucketKm, b == buckets - 1 ? null : (b + 1) * bucketKm, counts.GetValueOrDefault(b)))
            .ToList();
        return new DistanceReport(filter, summary.Rides, summary.P50, summary.P90, summary.P99, histogram);
    }

    private static CancellationRow Rate(NpgsqlDataReader row)
    {
        var rides = row.GetInt64(1);
        var cancelled = row.GetInt64(2);
        return new CancellationRow(row.GetInt32(0), rides, cancelled, rides == 0 ? 0 : Math.Round((double)cancelled / rides, 4));
    }

    private static double? Nullable(NpgsqlDataReader row, int column) => row.IsDBNull(column) ? null : row.GetDouble(column);

    private static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };

    /// <summary>Runs <paramref name="sql"/> with the filter as $1 to $3 and <paramref name="more"/> from $4 on.</summary>
    private async Task<IReadOnlyList<T>> QueryAsync<T>(AnalyticsFilter filter, string sql, Func<NpgsqlDataReader, T> read,
        CancellationToken cancellationToken, params NpgsqlParameter[] more)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(Value(filter.FromUtc));
        command.Parameters.Add(Value(filter.ToUtc));
        command.Parameters.Add(Value(filter.City));
        command.Parameters.AddRange(more);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }
        return rows;
    }
}
