using System.Text.Json;
using Fleet.IngestService.Rides.Queue;
using Npgsql;
using NpgsqlTypes;

namespace Fleet.IngestService.Rides.Tracking;

/// <summary>
/// The SQL that records requests (<c>rides.requests</c>): written by intake once the broker confirmed them, and again,
/// idempotently, by the consumer from the summary a request's last part carries, so that a request acknowledged while
/// the database was away is recorded all the same.
/// </summary>
internal static class RequestRecords
{
    /// <summary>
    /// One statement for many requests, inserted in tracking-id order: intake and storage record the same requests at
    /// about the same time, and two transactions inserting the same keys in different orders deadlock (for the second
    /// PostgreSQL's deadlock_timeout, then one fails).
    /// </summary>
    public static NpgsqlBatchCommand Insert(IEnumerable<RequestRecord> records)
    {
        var sorted = records.DistinctBy(r => r.TrackingId).OrderBy(r => r.TrackingId).ToList();
        var command = new NpgsqlBatchCommand("""
            INSERT INTO rides.requests (tracking_id, client_id, format, received_at, parts, rows_received, rows_accepted, rows_rejected, rejected)
            SELECT tracking_id, client_id, format, received_at, parts, rows_received, rows_accepted, rows_rejected, rejected
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::int[], $6::int[], $7::int[], $8::int[], $9::jsonb[])
                WITH ORDINALITY AS r(tracking_id, client_id, format, received_at, parts, rows_received, rows_accepted, rows_rejected, rejected, position)
            ORDER BY position
            ON CONFLICT (tracking_id) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. sorted.Select(r => r.TrackingId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. sorted.Select(r => r.ClientId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. sorted.Select(r => r.Summary.Format)] });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. sorted.Select(r => r.ReceivedAt)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. sorted.Select(r => r.Summary.Parts)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. sorted.Select(r => r.Summary.RowsReceived)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. sorted.Select(r => r.Summary.RowsAccepted)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. sorted.Select(r => r.Summary.RowsRejected)] });
        command.Parameters.Add(new NpgsqlParameter<string[]>
        {
            TypedValue = [.. sorted.Select(r => JsonSerializer.Serialize([.. r.Summary.Rejected], RideQueueJson.Default.ListRowError))],
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
        });
        return command;
    }
}

/// <summary>A request as <c>rides.requests</c> records it.</summary>
internal sealed record RequestRecord(Guid TrackingId, string ClientId, DateTimeOffset ReceivedAt, RequestSummary Summary)
{
    public static RequestRecord? Of(RideBatch batch) =>
        batch.Request is { } summary ? new RequestRecord(batch.TrackingId, batch.ClientId, batch.ReceivedAt, summary) : null;
}
