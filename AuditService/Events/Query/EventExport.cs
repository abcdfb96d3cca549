using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Fleet.AuditService.Events.Query;

/// <summary>
/// Every event of a filter, streamed as it is read: NDJSON (one event per line, the format's shape) or CSV (the common
/// fields as columns; tags, metrics and details as JSON in theirs). A CSV cell that a spreadsheet would run as a formula
/// gets a leading apostrophe.
/// </summary>
public static class EventExport
{
    public static readonly string[] Formats = ["ndjson", "csv"];

    private static readonly string[] CsvColumns =
        ["id", "occurred_at", "received_at", "application", "environment", "category", "action", "outcome", "level",
         "actor_type", "actor_id", "actor_origin", "resource_type", "resource_id", "resource_name", "trace_id", "tags", "metrics", "details"];

    public static async Task WriteAsync(HttpResponse response, IAsyncEnumerable<NpgsqlDataReader> rows, string format, CancellationToken cancellationToken)
    {
        response.ContentType = format == "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson";
        response.Headers.ContentDisposition = $"attachment; filename=\"audit-events.{format}\"";
        var body = response.BodyWriter.AsStream();
        if (format == "csv")
        {
            await body.WriteAsync(Encoding.UTF8.GetBytes(string.Join(',', CsvColumns) + "\r\n"), cancellationToken);
        }
        await using var json = new Utf8JsonWriter(body);
        var line = new StringBuilder();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (format == "csv")
            {
                line.Clear();
                for (var i = 0; i < CsvColumns.Length; i++)
                {
                    line.Append(i == 0 ? "" : ",").Append(Cell(row.IsDBNull(i) ? "" : Text(row, i)));
                }
                await body.WriteAsync(Encoding.UTF8.GetBytes(line.Append("\r\n").ToString()), cancellationToken);
            }
            else
            {
                EventJson.Write(row, json);
                await json.FlushAsync(cancellationToken);
                json.Reset();
                body.WriteByte((byte)'\n');
            }
        }
        await body.FlushAsync(cancellationToken);
    }

    private static string Text(NpgsqlDataReader row, int ordinal) => row.GetValue(ordinal) switch
    {
        DateTime time => new DateTimeOffset(time, TimeSpan.Zero).ToString("O"),
        DateTimeOffset time => time.ToString("O"),
        var value => value.ToString() ?? "",
    };

    private static string Cell(string value)
    {
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0]))
        {
            value = "'" + value;
        }
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }
}
