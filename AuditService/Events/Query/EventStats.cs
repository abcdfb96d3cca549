using System.Security.Claims;
using System.Text.Json;
using Npgsql;

namespace Fleet.AuditService.Events.Query;

/// <summary>Counts of the events of a filter per time bucket (<c>1m</c>, <c>1h</c>, <c>1d</c>), split by one field.</summary>
public sealed class EventStats(NpgsqlDataSource dataSource)
{
    public const int MaxBuckets = 10_000;

    public static readonly IReadOnlyDictionary<string, TimeSpan> Intervals = new Dictionary<string, TimeSpan>
    {
        ["1m"] = TimeSpan.FromMinutes(1), ["1h"] = TimeSpan.FromHours(1), ["1d"] = TimeSpan.FromDays(1),
    };

    public static readonly string[] GroupBy = ["application", "category", "action", "outcome"];

    /// <summary><c>{"interval", "group_by", "buckets": [{"start", "counts": {key: n}}]}</c>, buckets in time order, empty ones left out.</summary>
    public async Task<byte[]> CountAsync(EventFilter filter, string interval, string groupBy, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand();
        var where = EventQueries.Where(filter, caller, command);
        command.Parameters.Add(new NpgsqlParameter { Value = Intervals[interval] });
        // groupBy is one of GroupBy, never the caller's text.
        command.CommandText = $"SELECT date_bin(${command.Parameters.Count}, occurred_at, timestamptz '2000-01-01Z') AS bucket, {groupBy}, count(*) "
            + $"FROM audit.events WHERE {where} GROUP BY 1, 2 ORDER BY 1, 2";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        command.Connection = connection;
        await using var row = await command.ExecuteReaderAsync(cancellationToken);

        using var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("interval", interval);
            json.WriteString("group_by", groupBy);
            json.WriteStartArray("buckets");
            DateTimeOffset? open = null;
            while (await row.ReadAsync(cancellationToken))
            {
                var bucket = row.GetFieldValue<DateTimeOffset>(0);
                if (bucket != open)
                {
                    if (open is not null)
                    {
                        json.WriteEndObject();
                        json.WriteEndObject();
                    }
                    json.WriteStartObject();
                    json.WriteString("start", bucket);
                    json.WriteStartObject("counts");
                    open = bucket;
                }
                json.WriteNumber(row.GetString(1), row.GetInt64(2));
            }
            if (open is not null)
            {
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
