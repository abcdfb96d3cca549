using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Fleet.ServiceDefaults.Problems;

/// <summary>
/// In Development, WebApplication puts the developer exception page inside Fleet's exception handler, and
/// the page answers with the exception, the request's headers (Authorization and Cookie included) and the
/// route. This filter answers in its place exactly as outside Development: a problem with a trace id and
/// nothing of the exception, which the page has already logged.
/// </summary>
internal sealed class DeveloperPageProblemFilter(IProblemDetailsService problems, IOptions<ExceptionHandlerOptions> handler)
    : IDeveloperPageExceptionFilter
{
    public async Task HandleExceptionAsync(ErrorContext errorContext, Func<ErrorContext, Task> next)
    {
        var context = errorContext.HttpContext;
        var status = handler.Value.StatusCodeSelector?.Invoke(errorContext.Exception) ?? StatusCodes.Status500InternalServerError;
        context.Response.StatusCode = status;
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status },
        });
    }
}
