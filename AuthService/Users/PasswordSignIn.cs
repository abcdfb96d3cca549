using System.Net;
using System.Security.Cryptography;
using System.Text;
using Fleet.AuthService.Audit;
using Fleet.ServiceDefaults.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Fleet.AuthService.Users;

/// <summary>The outcome of a password check: the user, or why not (the caller shows the same message whatever the reason).</summary>
public sealed record PasswordCheck(FleetUser? User, string? Failure)
{
    public const string InvalidCredentials = "Invalid username or password.";

    public const string NotVerified = "The e-mail address is not verified yet.";

    public bool Succeeded => User is not null;

    /// <summary>What a caller may be told: only an unverified address is named, and only to whoever knows its password.</summary>
    public string Message => Failure == "email_not_verified" ? NotVerified : InvalidCredentials;
}

/// <summary>
/// Checks a user name and password for the password grant and the sign-in page alike: the same time for an unknown name
/// as for a wrong password, attempts throttled by account and source (<see cref="SignInThrottle"/>), and every attempt
/// recorded in the audit log. An account is locked for everyone only by an administrator (<c>lockout_end</c>).
/// </summary>
public sealed class PasswordSignIn(
    UserManager<FleetUser> users, SignInManager<FleetUser> signIn, SignInThrottle throttle, AuditLog audit, IOptions<AuthOptions> options)
{
    private static string? _dummyHash;

    private string DummyHash() => _dummyHash ??= users.PasswordHasher.HashPassword(new FleetUser(), Guid.NewGuid().ToString());

    public async Task<PasswordCheck> CheckAsync(string userName, string password, string clientId, IPAddress? source)
    {
        var user = await users.FindByNameAsync(userName);
        if (!await throttle.TryBeginAsync(user?.Id, source))
        {
            users.PasswordHasher.VerifyHashedPassword(new FleetUser(), DummyHash(), password); // same time as a checked password
            return Failed(user?.Id.ToString() ?? NameDigest(userName), clientId, "throttled");
        }
        if (user is null)
        {
            // Hash anyway, so an unknown name answers no faster than a wrong password.
            users.PasswordHasher.VerifyHashedPassword(new FleetUser(), DummyHash(), password);
            return Failed(NameDigest(userName), clientId, "unknown_user");
        }

        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: false);
        if (result.IsLockedOut)
        {
            users.PasswordHasher.VerifyHashedPassword(user, DummyHash(), password); // same time as a checked password
            return Failed(user.Id.ToString(), clientId, "locked_out");
        }
        if (!result.Succeeded)
        {
            return Failed(user.Id.ToString(), clientId, "bad_password");
        }
        // Checked after the password, so an unverified account is not revealed to someone who does not know it.
        if (options.Value.RequireVerifiedEmail && !user.EmailConfirmed)
        {
            return Failed(user.Id.ToString(), clientId, "email_not_verified");
        }
        await throttle.SucceededAsync(user.Id, source);
        return new PasswordCheck(user, null);
    }

    /// <summary>The attempted name may be a password typed in the wrong field: only a digest of it is recorded.</summary>
    private static string NameDigest(string userName) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userName)))[..16];

    private PasswordCheck Failed(string actorId, string clientId, string reason)
    {
        audit.Record(AuditCategories.Authentication, "user.login", "failure", "user", actorId,
            details: new Dictionary<string, object?> { ["client_id"] = clientId, ["reason"] = reason }, level: "warning");
        return new PasswordCheck(null, reason);
    }
}
