namespace Fleet.ServiceDefaults.Authentication;

/// <summary>The scopes AuthService grants (docs/auth-contract.md); each is also the name of the policy that requires it.</summary>
public static class FleetScopes
{
    public const string RidesWrite = "rides:write";
    public const string RidesRead = "rides:read";
    public const string FilesRead = "files:read";
    public const string FilesWrite = "files:write";
    public const string FilesAdmin = "files:admin";
    public const string AuditWrite = "audit:write";
    public const string AuditRead = "audit:read";
    public const string AuditAdmin = "audit:admin";
    public const string EventsRead = "events:read";
    public const string JobsAdmin = "jobs:admin";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } =
        [RidesWrite, RidesRead, FilesRead, FilesWrite, FilesAdmin, AuditWrite, AuditRead, AuditAdmin, EventsRead, JobsAdmin, Admin];
}

/// <summary>
/// Authorization policy names, for <c>.RequireAuthorization(FleetPolicies.RidesWrite)</c>. A scope policy is
/// named by its scope and requires an authenticated caller holding that scope. A route that names no policy
/// and is not <c>.AllowAnonymous()</c> gets the fallback policy: any authenticated caller.
/// </summary>
public static class FleetPolicies
{
    public const string RidesWrite = FleetScopes.RidesWrite;
    public const string RidesRead = FleetScopes.RidesRead;
    public const string FilesRead = FleetScopes.FilesRead;
    public const string FilesWrite = FleetScopes.FilesWrite;
    public const string FilesAdmin = FleetScopes.FilesAdmin;
    public const string AuditWrite = FleetScopes.AuditWrite;
    public const string AuditRead = FleetScopes.AuditRead;
    public const string AuditAdmin = FleetScopes.AuditAdmin;
    public const string EventsRead = FleetScopes.EventsRead;
    public const string JobsAdmin = FleetScopes.JobsAdmin;

    /// <summary>The <c>admin</c> scope.</summary>
    public const string Admin = FleetScopes.Admin;
}
