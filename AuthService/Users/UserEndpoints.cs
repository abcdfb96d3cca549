using System.Security.Claims;
using Fleet.AuthService.Audit;
using Fleet.ServiceDefaults.Audit;
using Fleet.AuthService.Data;
using Fleet.AuthService.Protocol;
using Fleet.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Fleet.AuthService.Users;

public sealed record RegisterRequest(string? UserName, string? Email, string? Password);

public sealed record RegisterResponse(
    Guid Id, string UserName, string Email, bool EmailVerificationRequired, string? VerificationKey, string? VerificationLink, string? Message = null);

public sealed record VerifyRequest(string? Key);

public sealed record ResendRequest(string? Email);

public sealed record ResendResponse(string Message, string? VerificationKey, string? VerificationLink);

public sealed record MeResponse(string Id, string? UserName, string? Email, string? ClientId, string[] Roles, string[] Scopes);

public static class UserEndpoints
{
    public const string PasswordPolicy =
        "Passwords need at least 10 characters, with an upper-case letter, a lower-case letter and a digit.";

    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/auth").WithTags("Users");
        auth.MapPost("/register", Register).AllowAnonymous();
        auth.MapPost("/verify", (VerifyRequest request, UserManager<FleetUser> users, EmailVerification verification) =>
            Verify(request.Key, users, verification)).AllowAnonymous();
        auth.MapGet("/verify", (string? key, UserManager<FleetUser> users, EmailVerification verification) =>
            Verify(key, users, verification)).AllowAnonymous();
        auth.MapPost("/verify/resend", Resend).AllowAnonymous();
        auth.MapGet("/me", Me).RequireAuthorization(); // any valid access token, user's or client's
        return routes;
    }

    private static async Task<Results<Created<RegisterResponse>, ValidationProblem, ProblemHttpResult>> Register(
        RegisterRequest request, UserManager<FleetUser> users, AuthDbContext db, EmailVerification verification, AuditLog audit,
        IHostEnvironment environment, IOptions<AuthOptions> options, TimeProvider time, ILogger<EmailVerification> logger,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.UserName) || string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password)
            || request.UserName.Length > 64 || request.Email.Length > 256 || request.Password.Length > 256)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["request"] = ["userName (≤ 64), email (≤ 256) and password (≤ 256) are required."] },
                detail: PasswordPolicy);
        }

        // The user and its role together or not at all (UserManager works on the same scoped context), retried as a
        // whole, on a clean context, when PostgreSQL drops the connection.
        FleetUser user = null!;
        var refused = await db.Database.CreateExecutionStrategy().ExecuteAsync(async cancellationToken =>
        {
            db.ChangeTracker.Clear();
            user = new FleetUser { UserName = request.UserName, Email = request.Email, CreatedAt = time.GetUtcNow() };
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            IdentityResult created;
            try
            {
                created = await users.CreateAsync(user, request.Password);
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                return Taken(); // registered concurrently, after the validator's check
            }
            if (!created.Succeeded)
            {
                if (created.Errors.Any(e => e.Code is "DuplicateUserName" or "DuplicateEmail"))
                {
                    return Taken();
                }
                return TypedResults.ValidationProblem(
                    created.Errors.GroupBy(e => e.Code.Contains("Password") ? "password" : e.Code.Contains("Email") ? "email" : "userName")
                        .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray()),
                    detail: PasswordPolicy);
            }
            var role = await users.AddToRoleAsync(user, "user");
            if (!role.Succeeded)
            {
                logger.LogError("Registration of {UserName} rolled back: the user role could not be assigned: {Errors}",
                    user.UserName, string.Join(" ", role.Errors.Select(e => e.Description)));
                return TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "The registration could not be completed.");
            }
            await transaction.CommitAsync(cancellationToken);
            return (Results<Created<RegisterResponse>, ValidationProblem, ProblemHttpResult>?)null;
        }, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }
        audit.Record(AuditCategories.Authentication, "user.registered", "success", "user", user.Id.ToString(),
            new AuditResource("user", user.Id.ToString(), user.UserName));

        // The account exists now whatever Redis does: without a key the user asks for one with /auth/verify/resend.
        string? key = null, link = null, message = null;
        try
        {
            (key, link) = await verification.IssueAsync(user);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "No verification key issued for new user {UserId}", user.Id);
            message = "Registered, but no verification link could be sent; request one with POST /auth/verify/resend.";
        }
        var development = environment.IsDevelopment();
        return TypedResults.Created($"/auth/me", new RegisterResponse(
            user.Id, user.UserName!, user.Email!, options.Value.RequireVerifiedEmail, development ? key : null, development ? link : null, message));
    }

    private static ProblemHttpResult Taken() =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The user name or e-mail address is already registered.");

    private static async Task<Results<Ok<object>, ProblemHttpResult>> Verify(string? key, UserManager<FleetUser> users, EmailVerification verification)
    {
        var userId = key is null ? null : await verification.TakeAsync(key);
        var user = userId is null ? null : await users.FindByIdAsync(userId.Value.ToString());
        if (user is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The verification key is unknown, used or expired.");
        }
        user.EmailConfirmed = true;
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError,
                title: "The verification could not be saved; request a new link with POST /auth/verify/resend.");
        }
        return TypedResults.Ok<object>(new { verified = true, userName = user.UserName });
    }

    private static async Task<Accepted<ResendResponse>> Resend(
        ResendRequest request, UserManager<FleetUser> users, EmailVerification verification, IHostEnvironment environment,
        ILogger<EmailVerification> logger)
    {
        // The same answer whether or not the address is registered, and whatever fails, so this cannot probe for accounts.
        (string Key, string Link)? issued = null;
        try
        {
            var user = string.IsNullOrWhiteSpace(request.Email) || request.Email.Length > 256 ? null : await users.FindByEmailAsync(request.Email);
            issued = user is { EmailConfirmed: false } ? await verification.IssueAsync(user) : null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "Resending a verification key failed");
        }
        var development = environment.IsDevelopment();
        return TypedResults.Accepted((string?)null, new ResendResponse(
            "If the address is registered and not verified yet, a new link was sent.",
            development ? issued?.Key : null, development ? issued?.Link : null));
    }

    private static async Task<Ok<MeResponse>> Me(ClaimsPrincipal principal, UserManager<FleetUser> users)
    {
        var subject = principal.FindFirstValue("sub")!;
        var roles = principal.FindAll("roles").Select(c => c.Value).ToArray();
        var scopes = principal.GetScopes().ToArray();
        var user = roles.Length > 0 ? await users.FindByIdAsync(subject) : null;
        return TypedResults.Ok(new MeResponse(subject, user?.UserName, user?.Email, principal.FindFirstValue("client_id"), roles, scopes));
    }
}
