using System.Data.Common;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.ServiceDefaults.Problems;

/// <summary>
/// Every error response is RFC 9457 <c>application/problem+json</c> carrying <c>traceId</c>:
/// unhandled exceptions (500, no exception details), bad requests such as malformed JSON
/// (<see cref="BadHttpRequestException"/>, 400) and empty error responses such as 404 and 405.
/// In Development too: the developer exception page never answers (see <see cref="DeveloperPageProblemFilter"/>).
/// </summary>
internal static class ProblemDetailsExtensions
{
    public static IHostApplicationBuilder AddFleetProblemDetails(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Instance ??= context.HttpContext.Request.Path;
            if (problem.Status == StatusCodes.Status503ServiceUnavailable && IsTransientDatabaseFailure(context.Exception))
            {
                problem.Detail = "The database is briefly unavailable; send the request again.";
                context.HttpContext.Response.Headers.RetryAfter = "1";
            }

            // The plain trace id (what a trace search takes), rather than ASP.NET Core's default full activity id.
            if (Activity.Current is { } activity)
            {
                problem.Extensions["traceId"] = activity.TraceId.ToHexString();
            }
        });

        builder.Services.Configure<ExceptionHandlerOptions>(options =>
        {
            // A database that is restarting (its pooled connections broken) is unavailable, not broken: 503, not 500.
            options.StatusCodeSelector = exception => exception switch
            {
                BadHttpRequestException badRequest => badRequest.StatusCode,
                _ when IsTransientDatabaseFailure(exception) => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            };

            // A client's bad input is not a server error worth an error log and an exception metric.
            options.SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException;
        });

        builder.Services.AddTransient<IStartupFilter, ProblemDetailsStartupFilter>();
        builder.Services.AddSingleton<IDeveloperPageExceptionFilter, DeveloperPageProblemFilter>();
        return builder;
    }

    /// <summary>A database failure its provider calls transient, thrown as it is or wrapped (as EF Core does without retries).</summary>
    private static bool IsTransientDatabaseFailure(Exception? exception) => exception switch
    {
        null => false,
        DbException database => database.IsTransient,
        _ => IsTransientDatabaseFailure(exception.InnerException),
    };

    /// <summary>
    /// Puts the exception handler and status-code pages at the start of the pipeline, ahead of
    /// routing and of any middleware the service adds, so nothing escapes them.
    /// </summary>
    private sealed class ProblemDetailsStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseExceptionHandler();
            app.UseStatusCodePages();
            next(app);
        };
    }
}
