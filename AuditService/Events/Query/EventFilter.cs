using System.Globalization;
using Fleet.ServiceDefaults.Paging;

namespace Fleet.AuditService.Events.Query;

/// <summary>
/// The filters of <c>GET /audit/events</c> and the export, from the query string: a time range (<c>from</c>, <c>to</c>:
/// ISO 8601; the last 24 hours if neither is given), the common fields, <c>tag.&lt;k&gt;=&lt;v&gt;</c> and
/// <c>details.&lt;path&gt;=&lt;value&gt;</c>, and the page (<c>limit</c>, <c>cursor</c>).
/// </summary>
public sealed record EventFilter(
    DateTimeOffset From, DateTimeOffset To, IReadOnlyDictionary<string, string> Fields, IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<(string[] Path, string Value)> Details, int Limit, (DateTimeOffset OccurredAt, Guid Id)? After)
{
    public const int MaxLimit = 1_000;
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(24);

    /// <summary>Query parameter → column, for the fields filtered by equality.</summary>
    public static readonly IReadOnlyDictionary<string, string> Columns = new Dictionary<string, string>
    {
        ["application"] = "application", ["environment"] = "environment", ["category"] = "category", ["action"] = "action",
        ["actor"] = "actor_id", ["actor_type"] = "actor_type", ["resource_type"] = "resource_type", ["resource_id"] = "resource_id",
        ["outcome"] = "outcome", ["level"] = "level",
    };

    private static readonly string[] Paging = ["from", "to", "limit", "cursor"];

    /// <summary>The filter, or the problems with the query string, named by parameter.</summary>
    /// <param name="others">The parameters of the route itself (<c>interval</c>, <c>format</c>, ...), left to it.</param>
    public static (EventFilter? Filter, Dictionary<string, string[]> Errors) Parse(IQueryCollection query, DateTimeOffset now, params string[] others)
    {
        var errors = new Dictionary<string, string[]>();
        DateTimeOffset? Time(string name)
        {
            if (query[name] is not { Count: > 0 } value)
            {
                return null;
            }
            if (DateTimeOffset.TryParse(value.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return parsed;
            }
            errors[name] = ["Must be an ISO 8601 date and time, e.g. 2027-03-01T09:00:00Z."];
            return null;
        }

        var to = Time("to") ?? now;
        var from = Time("from") ?? to - DefaultWindow;
        if (from > to)
        {
            errors["from"] = ["Must not be after 'to'."];
        }

        var fields = new Dictionary<string, string>();
        var tags = new Dictionary<string, string>();
        var details = new List<(string[] Path, string Value)>();
        foreach (var (name, value) in query)
        {
            if (Columns.ContainsKey(name))
            {
                fields[name] = value.ToString();
            }
            else if (name.StartsWith("tag.", StringComparison.Ordinal) && name.Length > 4)
            {
                tags[name[4..]] = value.ToString();
            }
            else if (name.StartsWith("details.", StringComparison.Ordinal) && name.Length > 8
                && name[8..].Split('.') is var path && path.All(part => part.Length > 0))
            {
                details.Add((path, value.ToString()));
            }
            else if (!Paging.Contains(name) && !others.Contains(name))
            {
                errors[name] = ["Not a filter: use from, to, application, environment, category, action, actor, actor_type, resource_type, "
                    + "resource_id, outcome, level, tag.<name>, details.<path>, limit, cursor."];
            }
        }

        var limit = 100;
        if (query["limit"] is { Count: > 0 } limitText && (!int.TryParse(limitText, out limit) || limit is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"Must be 1 to {MaxLimit}."];
        }
        (DateTimeOffset, Guid)? after = null;
        if (query["cursor"] is { Count: > 0 } cursor && (after = KeysetCursor.Read(cursor.ToString())) is null)
        {
            errors["cursor"] = ["Not a cursor this service gave."];
        }
        return errors.Count > 0 ? (null, errors) : (new EventFilter(from, to, fields, tags, details, limit, after), errors);
    }
}
