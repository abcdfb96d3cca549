using Npgsql;
using NpgsqlTypes;

namespace Fleet.AuditService.Events.Storage;

/// <summary>
/// Stores events in one transaction: binary COPY into a temporary table, then one insert into <c>audit.events</c> that
/// skips ids already stored (a client's re-send, or a message delivered again), so storing is idempotent.
/// </summary>
public sealed class AuditEventWriter(NpgsqlDataSource dataSource)
{
    /// <summary>Stores <paramref name="events"/>; returns how many were new.</summary>
    public async Task<int> WriteAsync(IReadOnlyCollection<StoredEvent> events, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand(
            "CREATE TEMPORARY TABLE incoming (LIKE audit.events INCLUDING DEFAULTS) ON COMMIT DROP", connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var copy = await connection.BeginBinaryImportAsync($"COPY incoming ({Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var e in events)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(e.Id, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(e.OccurredAt, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(e.ReceivedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(e.Application, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(e.Environment, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(e.Category, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(e.Action, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(e.Outcome, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(e.Level, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(e.ActorType, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(e.ActorId, NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(copy, e.ActorOrigin, NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(copy, e.ResourceType, NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(copy, e.ResourceId, NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(copy, e.ResourceName, NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(copy, e.TraceId, NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(copy, e.Tags, NpgsqlDbType.Jsonb, cancellationToken);
                await WriteNullableAsync(copy, e.Metrics, NpgsqlDbType.Jsonb, cancellationToken);
                await WriteNullableAsync(copy, e.Details, NpgsqlDbType.Jsonb, cancellationToken);
                await WriteNullableAsync(copy, e.SubmittedBy, NpgsqlDbType.Text, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }

        await using var insert = new NpgsqlCommand(
            $"INSERT INTO audit.events ({Columns}) SELECT {Columns} FROM incoming ON CONFLICT DO NOTHING", connection, transaction);
        var stored = await insert.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    private const string Columns = "id, occurred_at, received_at, application, environment, category, action, outcome, level, "
        + "actor_type, actor_id, actor_origin, resource_type, resource_id, resource_name, trace_id, tags, metrics, details, submitted_by";

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, type, cancellationToken);
}
