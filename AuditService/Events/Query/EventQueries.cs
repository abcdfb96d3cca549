using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Fleet.ServiceDefaults.Authentication;
using Fleet.ServiceDefaults.Paging;
using Npgsql;
using NpgsqlTypes;

namespace Fleet.AuditService.Events.Query;

/// <summary>
/// Reads events for a caller: admins (scope <c>admin</c>) see every event; anyone else the events submitted with their
/// own credentials and those in which they are the acting user. Newest first, by keyset on (occurred_at, id).
/// </summary>
public sealed class EventQueries(NpgsqlDataSource dataSource)
{
    /// <summary>One page as <c>{"events": [...], "next_cursor": ...}</c>.</summary>
    public async Task<byte[]> PageAsync(EventFilter filter, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        await using var command = Build(filter, caller, filter.Limit + 1);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        command.Connection = connection;
        await using var row = await command.ExecuteReaderAsync(cancellationToken);
        using var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("events");
            var count = 0;
            (DateTimeOffset, Guid)? last = null;
            while (await row.ReadAsync(cancellationToken))
            {
                if (++count > filter.Limit)
                {
                    break;
                }
                EventJson.Write(row, json);
                last = (row.GetFieldValue<DateTimeOffset>(1), row.GetGuid(0));
            }
            json.WriteEndArray();
            if (count > filter.Limit && last is var (occurredAt, id))
            {
                json.WriteString("next_cursor", KeysetCursor.Of(occurredAt, id));
            }
            else
            {
                json.WriteNull("next_cursor");
            }
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>One event, if the caller may see it.</summary>
    public async Task<byte[]?> FindAsync(Guid id, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"SELECT {EventJson.Select} FROM audit.events WHERE id = $1");
        await using var command = new NpgsqlCommand { Parameters = { new() { Value = id } } };
        AddTenancy(sql, command, caller);
        command.CommandText = sql.Append(" LIMIT 1").ToString();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        command.Connection = connection;
        await using var row = await command.ExecuteReaderAsync(cancellationToken);
        if (!await row.ReadAsync(cancellationToken))
        {
            return null;
        }
        using var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer))
        {
            EventJson.Write(row, json);
        }
        return buffer.ToArray();
    }

    private static NpgsqlCommand Build(EventFilter filter, ClaimsPrincipal caller, int limit)
    {
        var command = new NpgsqlCommand();
        command.CommandText = $"SELECT {EventJson.Select} FROM audit.events WHERE {Where(filter, caller, command)} "
            + $"ORDER BY occurred_at DESC, id DESC{(limit > 0 ? $" LIMIT {limit}" : "")}";
        return command;
    }

    /// <summary>The conditions of <paramref name="filter"/> and of what <paramref name="caller"/> may see, their values added to <paramref name="command"/>.</summary>
    public static string Where(EventFilter filter, ClaimsPrincipal caller, NpgsqlCommand command)
    {
        string Parameter(object value, NpgsqlDbType? type = null)
        {
            command.Parameters.Add(type is { } t ? new NpgsqlParameter { Value = value, NpgsqlDbType = t } : new NpgsqlParameter { Value = value });
            return $"${command.Parameters.Count}";
        }

        var sql = new StringBuilder($"occurred_at >= {Parameter(filter.From)} AND occurred_at < {Parameter(filter.To)}");
        if (filter.After is var (afterAt, afterId))
        {
            sql.Append($" AND (occurred_at, id) < ({Parameter(afterAt)}, {Parameter(afterId)})");
        }
        foreach (var (name, value) in filter.Fields)
        {
            sql.Append($" AND {EventFilter.Columns[name]} = {Parameter(value)}");
        }
        if (filter.Tags.Count > 0)
        {
            sql.Append($" AND tags @> {Parameter(JsonSerializer.Serialize(filter.Tags), NpgsqlDbType.Jsonb)}");
        }
        foreach (var (path, value) in filter.Details)
        {
            sql.Append($" AND details #>> {Parameter(path)} = {Parameter(value)}");
        }
        AddTenancy(sql, command, caller);
        return sql.ToString();
    }

    /// <summary>Every event of <paramref name="filter"/>, newest first, as they are read: for the export.</summary>
    public async IAsyncEnumerable<NpgsqlDataReader> StreamAsync(EventFilter filter, ClaimsPrincipal caller,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = Build(filter, caller, limit: 0);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        command.Connection = connection;
        await using var row = await command.ExecuteReaderAsync(cancellationToken);
        while (await row.ReadAsync(cancellationToken))
        {
            yield return row;
        }
    }

    internal static void AddTenancy(StringBuilder sql, NpgsqlCommand command, ClaimsPrincipal caller)
    {
        if (caller.HasScope(FleetScopes.Admin))
        {
            return;
        }
        command.Parameters.Add(new NpgsqlParameter { Value = caller.FindFirst(FleetClaims.Subject)?.Value ?? "" });
        var subject = $"${command.Parameters.Count}";
        sql.Append($" AND (submitted_by = {subject} OR (actor_type = 'user' AND actor_id = {subject}))");
    }
}
