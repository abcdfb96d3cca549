using Fleet.ServiceDefaults.Authentication;

namespace Fleet.AuthService.Protocol;

/// <summary>Which role may hold which of the contract's scopes (<see cref="FleetScopes"/>), and scope strings.</summary>
public static class RoleScopes
{
    public const string Admin = FleetScopes.Admin;

    public static IReadOnlyList<string> All => FleetScopes.All;

    /// <summary>
    /// role → scopes it may hold. Users read rides and events, work with their files and the audit log
    /// (audit:write so they can make API keys for their own apps); rides:write belongs to the XRides feed
    /// client, jobs:admin and admin to admins.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> ByRole = new Dictionary<string, IReadOnlyList<string>>
    {
        ["user"] = [FleetScopes.RidesRead, FleetScopes.FilesRead, FleetScopes.FilesWrite, FleetScopes.AuditWrite, FleetScopes.AuditRead, FleetScopes.EventsRead],
        ["admin"] = FleetScopes.All,
    };

    public static HashSet<string> ForRoles(IEnumerable<string> roles) =>
        roles.SelectMany(role => ByRole.GetValueOrDefault(role) ?? []).ToHashSet(StringComparer.Ordinal);

    /// <summary>Splits an RFC 6749 §3.3 scope string; null when it holds a scope this server does not know.</summary>
    public static string[]? Parse(string scope)
    {
        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToArray();
        return scopes.All(s => All.Contains(s, StringComparer.Ordinal)) ? scopes : null;
    }

    /// <summary>Space-separated, in the contract's order.</summary>
    public static string Format(IEnumerable<string> scopes)
    {
        var set = scopes.ToHashSet(StringComparer.Ordinal);
        return string.Join(' ', All.Where(set.Contains));
    }
}
