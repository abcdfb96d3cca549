using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Fleet.ServiceDefaults.Telemetry;

/// <summary>
/// Gives ASP.NET Core's server span what the OpenTelemetry ASP.NET Core instrumentation package
/// (not available here) would: the name <c>GET /rides/{id}</c> and the HTTP semantic-convention
/// tags. ASP.NET Core 10 creates the span and continues the incoming <c>traceparent</c> by itself,
/// but names it <c>Microsoft.AspNetCore.Hosting.HttpRequestIn</c> and sets no route or status.
/// Runs first in the pipeline (a startup filter), so it sees the status the exception handler set.
/// </summary>
internal sealed class HttpServerSpanEnricher : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(EnrichAsync);
        next(app);
    };

    private static async Task EnrichAsync(HttpContext context, RequestDelegate next)
    {
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity;
        if (activity is not { IsAllDataRequested: true })
        {
            await next(context);
            return;
        }

        var request = context.Request;
        activity.SetTag("http.request.method", request.Method);
        activity.SetTag("url.scheme", request.Scheme);
        activity.SetTag("url.path", request.Path.Value);
        activity.SetTag("server.address", request.Host.Host);
        activity.SetTag("server.port", request.Host.Port);
        activity.SetTag("network.protocol.version", ProtocolVersion(request.Protocol));
        activity.SetTag("user_agent.original", request.Headers.UserAgent.ToString());

        try
        {
            await next(context);
        }
        catch (Exception exception)
        {
            activity.SetTag("error.type", exception.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error);
            throw;
        }
        finally
        {
            // After an exception the handler re-executes without an endpoint; the feature keeps the original.
            var endpoint = context.Features.Get<IExceptionHandlerPathFeature>()?.Endpoint ?? context.GetEndpoint();
            var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText;
            if (route is not null)
            {
                activity.SetTag("http.route", route);
            }
            activity.DisplayName = route is null ? request.Method : $"{request.Method} {route}";

            var status = context.Response.StatusCode;
            activity.SetTag("http.response.status_code", status);
            if (status >= 500)
            {
                activity.SetTag("error.type", activity.GetTagItem("error.type") ?? status.ToString());
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }
    }

    private static string? ProtocolVersion(string protocol) => protocol switch
    {
        "HTTP/1.1" => "1.1",
        "HTTP/2" => "2",
        "HTTP/3" => "3",
        "HTTP/1.0" => "1.0",
        _ => null,
    };
}
