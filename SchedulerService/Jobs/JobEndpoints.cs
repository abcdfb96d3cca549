using System.Security.Claims;
using Fleet.SchedulerService.Data;
using Fleet.ServiceDefaults.Audit;
using Fleet.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.SchedulerService.Jobs;

/// <summary><c>/jobs</c>: the jobs, their runs, and a run now. Scope <c>jobs:admin</c>.</summary>
public static class JobEndpoints
{
    private const int MaxRunsListed = 100;

    public static IEndpointRouteBuilder MapJobEndpoints(this IEndpointRouteBuilder routes)
    {
        var jobs = routes.MapGroup("/jobs").WithTags("Jobs").RequireAuthorization(FleetPolicies.JobsAdmin);
        jobs.MapGet("/", ListAsync);
        jobs.MapGet("/{name}/runs", RunsAsync);
        jobs.MapPost("/{name}/run", RunNowAsync);
        return routes;
    }

    private static async Task<Ok<List<JobView>>> ListAsync(IOptions<SchedulerOptions> options, SchedulerDbContext db, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var latest = await db.JobRuns.AsNoTracking()
            .GroupBy(r => r.Job)
            .Select(g => g.OrderByDescending(r => r.StartedAt).First())
            .ToDictionaryAsync(r => r.Job, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        return TypedResults.Ok(options.Value.Jobs.OrderBy(j => j.Key).Select(job => new JobView(
            job.Key, job.Value.Cron, job.Value.Timeout, job.Value.Enabled,
            job.Value.Enabled && JobSchedule.Parse(job.Value.Cron).GetNextOccurrence(now) is { } next ? new DateTimeOffset(next, TimeSpan.Zero) : null,
            latest.TryGetValue(job.Key, out var last) ? JobRunView.From(last) : null)).ToList());
    }

    private static async Task<Results<Ok<List<JobRunView>>, ProblemHttpResult>> RunsAsync(string name, IOptions<SchedulerOptions> options,
        SchedulerDbContext db, CancellationToken cancellationToken)
    {
        if (!options.Value.Jobs.ContainsKey(name))
        {
            return NoSuchJob(name);
        }
        var runs = await db.JobRuns.AsNoTracking().Where(r => r.Job == name).OrderByDescending(r => r.StartedAt).Take(MaxRunsListed)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(runs.Select(JobRunView.From).ToList());
    }

    private static async Task<Results<Accepted<StartedRunView>, ProblemHttpResult>> RunNowAsync(string name, IOptions<SchedulerOptions> options,
        JobRunner runner, IHostApplicationLifetime lifetime, ClaimsPrincipal caller, AuditLog audit)
    {
        if (!options.Value.Jobs.TryGetValue(name, out var job))
        {
            return NoSuchJob(name);
        }
        // The run belongs to the service, not to this request: it goes on after the answer.
        var run = await runner.StartAsync(name, job, JobTrigger.Manual, scheduledFor: null, lifetime.ApplicationStopping);
        audit.Record("jobs", "job.run_requested", run is null ? "failure" : "success", caller, new AuditResource("job", name),
            details: new Dictionary<string, object?> { ["run_id"] = run?.Id, ["refused"] = run is null ? "a run is going" : null });
        return run is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The job is running",
                detail: $"Job '{name}' is running now; one run at a time. Its runs are at /jobs/{name}/runs.")
            : TypedResults.Accepted($"/jobs/{name}/runs", new StartedRunView(run.Id));
    }

    private static ProblemHttpResult NoSuchJob(string name) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such job", detail: $"There is no job '{name}'.",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["name"] = [$"'{name}' is not a job."] } });
}
