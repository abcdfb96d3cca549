using System.Security.Cryptography;
using System.Text;
using Fleet.AuthService.Audit;
using Fleet.AuthService.Data;
using Fleet.ServiceDefaults.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
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
/// as for a wrong password, lockout counted under a per-user lock, and every attempt recorded in the audit log.
/// </summary>
public sealed class PasswordSignIn(
    AuthDbContext db, UserManager<FleetUser> users, SignInManager<FleetUser> signIn, AuditLog audit, IOptions<AuthOptions> options)
{
    private const int UserLockClass = 0x55_73_72_31; // "Usr1"
    private static string? _dummyHash;

    private string DummyHash() => _dummyHash ??= users.PasswordHasher.HashPassword(new FleetUser(), Guid.NewGuid().ToString());

    public async Task<PasswordCheck> CheckAsync(string userName, string password, string clientId, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            // Hash anyway, so an unknown name answers no faster than a wrong password.
            users.PasswordHasher.VerifyHashedPassword(new FleetUser(), DummyHash(), password);
            // The attempted name may be a password typed in the wrong field: only a digest of it is recorded.
            return Failed("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userName)))[..16], clientId, "unknown_user");
        }

        // Check and count under a per-user lock: parallel wrong guesses must each count towards the lockout.
        SignInResult result;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({UserLockClass}, hashtext({user.Id.ToString()}))", cancellationToken);
            await db.Entry(user).ReloadAsync(cancellationToken); // the counters as the previous holder of the lock left them
            result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
            await transaction.CommitAsync(cancellationToken);
        }
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
        return new PasswordCheck(user, null);
    }

    private PasswordCheck Failed(string actorId, string clientId, string reason)
    {
        audit.Record(AuditCategories.Authentication, "user.login", "failure", "user", actorId,
            details: new Dictionary<string, object?> { ["client_id"] = clientId, ["reason"] = reason }, level: "warning");
        return new PasswordCheck(null, reason);
    }
}
