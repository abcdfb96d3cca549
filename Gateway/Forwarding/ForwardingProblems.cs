using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Timeouts;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Fleet.Gateway.Forwarding;

/// <summary>
/// Proxy pipeline step, first of all: when YARP could not forward a request (<see cref="IForwarderErrorFeature"/>),
/// answers with an RFC 9457 problem (502, 504, 413, 400) and logs it once, at a level that says whose fault it
/// was. The service's own answers, error pages included, pass through untouched.
/// </summary>
public sealed partial class ForwardingProblems(RequestBodyLimit bodyLimit, ILogger<ForwardingProblems> logger)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        // The service's empty 404 stays empty: status code pages are for the gateway's own answers.
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }

        await next(context);

        if (context.GetForwarderErrorFeature() is not { } error)
        {
            return;
        }

        var proxy = context.GetReverseProxyFeature();
        var service = proxy.Cluster.Config.ClusterId;
        var timedOut = context.Features.Get<IHttpRequestTimeoutFeature>()?.RequestTimeoutToken.IsCancellationRequested == true
            || error.Error == ForwarderError.RequestTimedOut && !error.IsConnectFailure();
        var destination = proxy.ProxiedDestination?.DestinationId ?? "(none)";
        ProblemHttpResult problem;
        if (timedOut)
        {
            var timeout = proxy.Route.Config.Timeout;
            LogTimedOut(logger, service, timeout, destination, error.Error);
            problem = ProxyProblems.BackendTimedOut(service, timeout);
        }
        else if (context.RequestAborted.IsCancellationRequested || IsCallersFault(error.Error))
        {
            LogCallerFailed(logger, error.Error, proxy.Route.Config.RouteId, error.Exception?.Message);
            problem = context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge
                && bodyLimit.For(context) is { } limit
                    ? ProxyProblems.BodyTooLarge(service, limit)
                    : ProxyProblems.UnreadableRequestBody(service);
        }
        else if (error.IsConnectFailure() || error.Error == ForwarderError.NoAvailableDestinations)
        {
            LogUnreachable(logger, service); // each refusal was logged by ConnectionRefusedHealthPolicy
            problem = ProxyProblems.BackendUnreachable(service);
        }
        else
        {
            LogBackendFailed(logger, error.Exception, error.Error, service, destination);
            problem = ProxyProblems.BackendFailed(service);
        }

        // Once the status line is out, YARP has already cut the connection so the caller sees an incomplete
        // answer; and a caller that went away reads nothing. (A timeout cancels RequestAborted too.)
        if (context.Response.HasStarted || (context.RequestAborted.IsCancellationRequested && !timedOut))
        {
            return;
        }

        await problem.ExecuteAsync(context);
    }

    private static bool IsCallersFault(ForwarderError error) => error is
        ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient
        or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeResponseClient;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ClusterId} did not answer within {Timeout} ({Destination}, {Error})")]
    private static partial void LogTimedOut(ILogger logger, string clusterId, TimeSpan? timeout, string destination, ForwarderError error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Error} on route {RouteId}: the caller went away or sent a body that could not be read ({Reason})")]
    private static partial void LogCallerFailed(ILogger logger, ForwarderError error, string routeId, string? reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No destination of {ClusterId} accepted the connection; answering 502")]
    private static partial void LogUnreachable(ILogger logger, string clusterId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Error} forwarding to {Destination} of {ClusterId}")]
    private static partial void LogBackendFailed(ILogger logger, Exception? exception, ForwarderError error, string clusterId, string destination);
}
