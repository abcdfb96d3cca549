using System.Text.Json;
using Fleet.IngestService.Rides.Queue;
using Npgsql;
using NpgsqlTypes;

namespace Fleet.IngestService.Rides.Tracking;

/// <summary>
/// The SQL that records a request (<c>rides.requests</c>): written by intake once the broker confirmed it, and again,
/// idempotently, by the consumer from the summary the request's last part carries, so that a request acknowledged
/// while the database was away is recorded all the same.
/// </summary>
internal static class RequestRecords
{
    public static NpgsqlBatchCommand Insert(Guid trackingId, string clientId, DateTimeOffset receivedAt, RequestSummary summary)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO rides.requests (tracking_id, client_id, format, received_at, parts, rows_received, rows_accepted, rows_rejected, rejected)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (tracking_id) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = trackingId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clientId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = summary.Format });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = receivedAt });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = summary.Parts });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = summary.RowsReceived });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = summary.RowsAccepted });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = summary.RowsRejected });
        command.Parameters.Add(new NpgsqlParameter<string>
        {
            TypedValue = JsonSerializer.Serialize([.. summary.Rejected], RideQueueJson.Default.ListRowError),
            NpgsqlDbType = NpgsqlDbType.Jsonb,
        });
        return command;
    }
}
