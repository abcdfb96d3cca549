using System.Text.Json;
using Npgsql;

namespace Fleet.SchedulerService.Search;

/// <summary>
/// The catalogue's plans within a range, from eventsdb (the covering index <c>ix_plans_search</c>), written straight
/// into the answer's JSON envelope: the bytes are what the cache keeps.
/// </summary>
public sealed class PlanSearch(NpgsqlDataSource dataSource)
{
    private const string Query = """
        SELECT id, title, starts_at, ends_at, min_price, max_price FROM scheduler.plans
        WHERE starts_at >= $1 AND starts_at <= $2 AND ends_at <= $2
        ORDER BY starts_at, title
        """;

    public async Task<byte[]> FindAsync(SearchRange range, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Query);
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = range.StartsAt, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Timestamp });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = range.EndsAt, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Timestamp });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);

        using var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("data");
            json.WriteStartArray("events");
            while (await reader.ReadAsync(cancellationToken))
            {
                var (startsAt, endsAt) = (reader.GetDateTime(2), reader.GetDateTime(3));
                json.WriteStartObject();
                json.WriteString("id", reader.GetGuid(0));
                json.WriteString("title", reader.GetString(1));
                json.WriteString("start_date", startsAt.ToString("yyyy-MM-dd"));
                json.WriteString("start_time", startsAt.ToString("HH:mm:ss"));
                json.WriteString("end_date", endsAt.ToString("yyyy-MM-dd"));
                json.WriteString("end_time", endsAt.ToString("HH:mm:ss"));
                WritePrice(json, "min_price", reader, 4);
                WritePrice(json, "max_price", reader, 5);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteNull("error");
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WritePrice(Utf8JsonWriter json, string name, NpgsqlDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteNumber(name, (double)reader.GetDecimal(ordinal));
        }
    }
}
