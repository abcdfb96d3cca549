using Fleet.IngestService.Rides.Queue;
using Fleet.IngestService.Rides.Tracking;
using Npgsql;
using NpgsqlTypes;

namespace Fleet.IngestService.Rides.Storage;

/// <summary>
/// Stores queued batches in one transaction: their rides by binary COPY, straight into <c>rides.rides</c> when they are all
/// new, else into a session-local staging table and merged; their parts marked stored; the requests whose summaries they
/// carry recorded. Idempotent, so a
/// message delivered again changes nothing: a ride is replaced only by a version received later (or later in its
/// request), and a part or request already recorded stays as it is.
/// </summary>
public sealed class RideBatchWriter(NpgsqlDataSource dataSource)
{
    /// <summary>A ride's sequence within its request: part * this + its index in the part.</summary>
    public const long PartStride = 1_000_000;

    private const string Columns =
        "id, user_id, vehicle_model_id, package_id, travel_type_id, from_area_id, to_area_id, from_city_id, to_city_id, " +
        "from_date, to_date, online_booking, mobile_site_booking, booking_created, from_lat, from_long, to_lat, to_long, " +
        "car_cancellation, tracking_id, received_at, seq";

    private const string CreateStaging = """
        CREATE TEMP TABLE IF NOT EXISTS ride_staging (
            id bigint, user_id bigint, vehicle_model_id integer, package_id integer, travel_type_id integer,
            from_area_id integer, to_area_id integer, from_city_id integer, to_city_id integer,
            from_date timestamptz, to_date timestamptz, online_booking boolean, mobile_site_booking boolean, booking_created timestamptz,
            from_lat double precision, from_long double precision, to_lat double precision, to_long double precision,
            car_cancellation boolean, tracking_id uuid, received_at timestamptz, seq bigint
        ) ON COMMIT DELETE ROWS
        """;

    // One row per id (the latest version in the batch), in id order so that concurrent replicas lock rows in the same order.
    // stored_at is the database's clock here, the writer's on the direct path: one machine, one clock.
    private const string Merge = $"""
        INSERT INTO rides.rides AS r ({Columns}, stored_at)
        SELECT DISTINCT ON (id) {Columns}, now() FROM pg_temp.ride_staging ORDER BY id, received_at DESC, seq DESC
        ON CONFLICT (id) DO UPDATE SET
            user_id = excluded.user_id, vehicle_model_id = excluded.vehicle_model_id, package_id = excluded.package_id,
            travel_type_id = excluded.travel_type_id, from_area_id = excluded.from_area_id, to_area_id = excluded.to_area_id,
            from_city_id = excluded.from_city_id, to_city_id = excluded.to_city_id, from_date = excluded.from_date,
            to_date = excluded.to_date, online_booking = excluded.online_booking, mobile_site_booking = excluded.mobile_site_booking,
            booking_created = excluded.booking_created, from_lat = excluded.from_lat, from_long = excluded.from_long,
            to_lat = excluded.to_lat, to_long = excluded.to_long, car_cancellation = excluded.car_cancellation,
            tracking_id = excluded.tracking_id, received_at = excluded.received_at, seq = excluded.seq, stored_at = excluded.stored_at
        WHERE (r.received_at, r.seq) < (excluded.received_at, excluded.seq)
        """;

    private const string MarkStored = """
        INSERT INTO rides.request_parts (tracking_id, part, rows, stored_at)
        SELECT tracking_id, part, rows, now() FROM unnest($1::uuid[], $2::int[], $3::int[]) AS p(tracking_id, part, rows)
        ORDER BY tracking_id, part
        ON CONFLICT (tracking_id, part) DO NOTHING
        """;

    private const string MarkFailed = """
        INSERT INTO rides.request_parts (tracking_id, part, rows, failed_at, failure) VALUES ($1, $2, $3, now(), $4)
        ON CONFLICT (tracking_id, part) DO UPDATE SET failed_at = excluded.failed_at, failure = excluded.failure
        WHERE request_parts.stored_at IS NULL
        """;

    /// <summary>Stores <paramref name="batches"/>; returns the number of rides written.</summary>
    public async Task<int> WriteAsync(IReadOnlyList<RideBatch> batches, CancellationToken cancellationToken)
    {
        // In id order, so that writers holding some of the same ids lock them in the same order.
        var rows = batches
            .SelectMany(batch => batch.Rides.Select((ride, index) => new Row(ride, batch, batch.Part * PartStride + index)))
            .OrderBy(row => row.Ride.Id).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Most rides are new: COPY them straight into rides.rides. A ride stored before (a re-send, a redelivery) or twice
        // in these batches breaks the primary key; then the COPY is undone and the rides merged, the later version winning.
        await transaction.SaveAsync("direct", cancellationToken);
        try
        {
            await CopyAsync(connection, $"rides.rides ({Columns}, stored_at)", rows, DateTimeOffset.UtcNow, cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected)
        {
            await transaction.RollbackAsync("direct", cancellationToken);
            await using (var create = new NpgsqlCommand(CreateStaging, connection, transaction))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            await CopyAsync(connection, $"pg_temp.ride_staging ({Columns})", rows, storedAt: null, cancellationToken);
            await using var merge = new NpgsqlCommand(Merge, connection, transaction);
            await merge.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var sql = new NpgsqlBatch(connection, transaction);
        var parts = new NpgsqlBatchCommand(MarkStored);
        parts.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. batches.Select(b => b.TrackingId)] });
        parts.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. batches.Select(b => b.Part)] });
        parts.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. batches.Select(b => b.Rides.Count)] });
        sql.BatchCommands.Add(parts);
        if (batches.Select(RequestRecord.Of).OfType<RequestRecord>().ToList() is { Count: > 0 } requests)
        {
            sql.BatchCommands.Add(RequestRecords.Insert(requests));
        }
        await sql.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }

    /// <summary>
    /// Records that a part was given up on, and why, with its request's summary when it carries it (so that the request
    /// reports the failure even if nothing else of it was recorded). A part already stored stays stored.
    /// </summary>
    public async Task MarkFailedAsync(Guid trackingId, int part, RideBatch? batch, string reason, CancellationToken cancellationToken)
    {
        await using var sql = dataSource.CreateBatch();
        var failed = new NpgsqlBatchCommand(MarkFailed);
        failed.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = trackingId });
        failed.Parameters.Add(new NpgsqlParameter<int> { TypedValue = part });
        failed.Parameters.Add(new NpgsqlParameter<int> { TypedValue = batch?.Rides.Count ?? 0 });
        failed.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reason });
        sql.BatchCommands.Add(failed);
        if (batch is not null && RequestRecord.Of(batch) is { } request)
        {
            sql.BatchCommands.Add(RequestRecords.Insert([request]));
        }
        await sql.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string target, List<Row> rows, DateTimeOffset? storedAt, CancellationToken cancellationToken)
    {
        await using var import = await connection.BeginBinaryImportAsync($"COPY {target} FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var (ride, batch, sequence) in rows)
        {
            await import.StartRowAsync(cancellationToken);
            await import.WriteAsync(ride.Id, NpgsqlDbType.Bigint, cancellationToken);
            await import.WriteAsync(ride.UserId, NpgsqlDbType.Bigint, cancellationToken);
            await import.WriteAsync(ride.VehicleModelId, NpgsqlDbType.Integer, cancellationToken);
            await import.WriteAsync(ride.PackageId, NpgsqlDbType.Integer, cancellationToken);
            await import.WriteAsync(ride.TravelTypeId, NpgsqlDbType.Integer, cancellationToken);
            await import.WriteAsync(ride.FromAreaId, NpgsqlDbType.Integer, cancellationToken);
            await import.WriteAsync(ride.ToAreaId, NpgsqlDbType.Integer, cancellationToken);
            await import.WriteAsync(ride.FromCityId, NpgsqlDbType.Integer, cancellationToken);
            await import.WriteAsync(ride.ToCityId, NpgsqlDbType.Integer, cancellationToken);
            await import.WriteAsync(ride.FromDate, NpgsqlDbType.TimestampTz, cancellationToken);
            await import.WriteAsync(ride.ToDate, NpgsqlDbType.TimestampTz, cancellationToken);
            await import.WriteAsync(ride.OnlineBooking, NpgsqlDbType.Boolean, cancellationToken);
            await import.WriteAsync(ride.MobileSiteBooking, NpgsqlDbType.Boolean, cancellationToken);
            await import.WriteAsync(ride.BookingCreated, NpgsqlDbType.TimestampTz, cancellationToken);
            await import.WriteAsync(ride.FromLat, NpgsqlDbType.Double, cancellationToken);
            await import.WriteAsync(ride.FromLong, NpgsqlDbType.Double, cancellationToken);
            await import.WriteAsync(ride.ToLat, NpgsqlDbType.Double, cancellationToken);
            await import.WriteAsync(ride.ToLong, NpgsqlDbType.Double, cancellationToken);
            await import.WriteAsync(ride.CarCancellation, NpgsqlDbType.Boolean, cancellationToken);
            await import.WriteAsync(batch.TrackingId, NpgsqlDbType.Uuid, cancellationToken);
            await import.WriteAsync(batch.ReceivedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await import.WriteAsync(sequence, NpgsqlDbType.Bigint, cancellationToken);
            if (storedAt is { } at)
            {
                await import.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken);
            }
        }
        await import.CompleteAsync(cancellationToken);
    }

    private readonly record struct Row(Ride Ride, RideBatch Batch, long Sequence);
}
