using System.Security.Claims;
using Fleet.AuditService.Data;
using Fleet.AuditService.Events.Intake;
using Fleet.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.AuditService.Retention;

public static class RetentionEndpoints
{
    public static IEndpointRouteBuilder MapRetentionEndpoints(this IEndpointRouteBuilder routes)
    {
        var retention = routes.MapGroup("/audit/retention").WithTags("Audit retention").RequireAuthorization(FleetPolicies.AuditAdmin);
        retention.MapGet("/policies", ListAsync).WithSummary("The retention policies, and the keep of events none matches");
        retention.MapPost("/policies", CreateAsync).WithSummary("Keep the events of an application, category and level (each optional) for keep_days");
        retention.MapDelete("/policies/{id:guid}", DeleteAsync).WithSummary("Remove a policy: its events fall to the next that matches");
        retention.MapPost("/run", RunAsync).WithSummary("Apply the policies now (SchedulerService's audit-retention job calls this daily)");
        return routes;
    }

    public sealed record PolicyRequest(string? Application, string? Category, string? Level, int KeepDays);

    public sealed record PolicyView(Guid Id, string? Application, string? Category, string? Level, int KeepDays, DateTimeOffset CreatedAt, string CreatedBy)
    {
        public static PolicyView From(RetentionPolicy p) => new(p.Id, p.Application, p.Category, p.Level, p.KeepDays, p.CreatedAt, p.CreatedBy);
    }

    public sealed record PoliciesView(int DefaultDays, IReadOnlyList<PolicyView> Policies);

    private static async Task<Ok<PoliciesView>> ListAsync(AuditDbContext db, IOptions<RetentionOptions> options, CancellationToken cancellationToken)
    {
        var policies = await db.RetentionPolicies.AsNoTracking().OrderBy(p => p.CreatedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PoliciesView(options.Value.DefaultDays, [.. policies.Select(PolicyView.From)]));
    }

    private static async Task<Results<Created<PolicyView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        PolicyRequest request, ClaimsPrincipal caller, AuditDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.KeepDays is < 1 or > 36_500)
        {
            errors["keep_days"] = ["Must be 1 to 36500."];
        }
        if (request.Application is { Length: 0 or > 64 })
        {
            errors["application"] = ["Must be 1 to 64 characters, or left out to match any."];
        }
        if (request.Category is { } category && (category.Length is 0 or > 64 || category.Any(char.IsWhiteSpace)))
        {
            errors["category"] = ["Must be 1 to 64 characters without spaces, or left out to match any."];
        }
        if (request.Level is { } level && !SubmittedEvents.Levels.Contains(level))
        {
            errors["level"] = [$"Must be one of {string.Join(", ", SubmittedEvents.Levels)}, or left out to match any."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var policy = new RetentionPolicy
        {
            Id = Guid.CreateVersion7(), Application = request.Application, Category = request.Category, Level = request.Level,
            KeepDays = request.KeepDays, CreatedAt = time.GetUtcNow(), CreatedBy = caller.FindFirst(FleetClaims.Subject)?.Value ?? "",
        };
        db.RetentionPolicies.Add(policy);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return TypedResults.Problem(title: "A policy for these already exists",
                detail: "Delete it first: there is one policy per application, category and level.", statusCode: StatusCodes.Status409Conflict);
        }
        return TypedResults.Created($"/audit/retention/policies/{policy.Id}", PolicyView.From(policy));
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, AuditDbContext db, CancellationToken cancellationToken) =>
        await db.RetentionPolicies.Where(p => p.Id == id).ExecuteDeleteAsync(cancellationToken) > 0 ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Ok<RetentionRun>> RunAsync(RetentionEnforcer enforcer, CancellationToken cancellationToken) =>
        TypedResults.Ok(await enforcer.RunAsync(cancellationToken));
}
