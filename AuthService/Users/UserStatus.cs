namespace Fleet.AuthService.Users;

/// <summary>
/// A user is disabled when locked out for good (<c>lockout_end</c> at <see cref="DateTimeOffset.MaxValue"/>, ASP.NET
/// Identity's convention), as opposed to the temporary lockout after repeated failed logins.
/// </summary>
public static class UserStatus
{
    public static bool IsDisabled(FleetUser user) => user.LockoutEnd is { } end && end.Year >= 9999;
}
