using System.Buffers;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Fleet.Gateway.Proxy;

/// <summary>
/// Forwards one request to a route's cluster and streams the answer back: bodies flow through in
/// chunks both ways, nothing is buffered whole. A destination that refuses the connection is left out
/// for a while and the request goes to the next one, which is safe for any method because nothing
/// had been sent.
/// </summary>
public sealed partial class HttpForwarder(HttpMessageInvoker backend, TimeoutSourcePool timeouts, ILogger<HttpForwarder> logger)
{
    private const int BufferSize = 64 * 1024;

    /// <summary>Response bytes held back while the backend has more ready at once, before a flush is forced.</summary>
    private const int MaxUnflushed = 64 * 1024;

    public async Task ForwardAsync(HttpContext context, ProxyRoute route)
    {
        var cluster = route.Cluster;
        var requestId = RequestId.GetOrCreate(context.Request);
        context.Response.Headers[RequestId.HeaderName] = requestId;

        // The backend's error responses pass through as they are, empty bodies included.
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }

        // Large uploads stream through; the service behind decides how much it accepts.
        var bodySize = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (bodySize is { IsReadOnly: false })
        {
            bodySize.MaxRequestBodySize = null;
        }

        var callerAborted = context.RequestAborted;
        using var timeout = timeouts.Rent(route.Timeout, callerAborted);

        var content = OutgoingRequestFactory.CreateContent(context.Request);
        ulong tried = 0;
        while (true)
        {
            var destination = cluster.Destinations.Pick(ref tried);
            if (destination is null)
            {
                LogNoDestinationAccepted(logger, cluster.Id);
                await ProxyProblems.BackendUnreachable(cluster).ExecuteAsync(context);
                return;
            }

            HttpResponseMessage response;
            try
            {
                response = await backend.SendAsync(OutgoingRequestFactory.Create(context, destination, content, requestId), timeout.Token);
            }
            catch (Exception e) when (callerAborted.IsCancellationRequested)
            {
                LogCallerAborted(logger, route.Id, e.GetType().Name);
                return;
            }
            catch (Exception e) when (timeout.IsCancellationRequested)
            {
                LogTimedOut(logger, cluster.Id, route.Timeout, destination.ToString(), e.GetType().Name);
                await ProxyProblems.BackendTimedOut(cluster, route.Timeout).ExecuteAsync(context);
                return;
            }
            catch (Exception e) when (content is { CallerFailed: true })
            {
                LogCallerBodyFailed(logger, e, route.Id);
                await ProxyProblems.UnreadableRequestBody(cluster).ExecuteAsync(context);
                return;
            }
            catch (Exception e) when (IsConnectFailure(e) && content is not { HasStarted: true })
            {
                // Warn once per outage and period, not for every request that still finds it down.
                if (destination.LeaveOutFor(cluster.ReactivationPeriod))
                {
                    LogDestinationLeftOut(logger, destination.ToString(), cluster.Id, cluster.ReactivationPeriod, e.Message);
                }
                else
                {
                    LogDestinationStillRefusing(logger, destination.ToString(), cluster.Id);
                }

                continue;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                LogBackendFailed(logger, e, cluster.Id, destination.ToString());
                await ProxyProblems.BackendFailed(cluster).ExecuteAsync(context);
                return;
            }

            // Headers are in; the timeout covered waiting for them, the body may take as long as it takes.
            timeout.StopTimer();
            destination.MarkHealthy();
            using (response)
            {
                await CopyResponseAsync(context, response, destination);
            }

            return;
        }
    }

    /// <summary>
    /// Failures to establish the connection: nothing reached the destination. (A connect timeout
    /// surfaces as a cancellation no token of ours asked for.)
    /// </summary>
    private static bool IsConnectFailure(Exception e) => e switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
        OperationCanceledException { InnerException: TimeoutException } => true,
        _ => false,
    };

    private async Task CopyResponseAsync(HttpContext context, HttpResponseMessage response, Destination destination)
    {
        var target = context.Response;
        target.StatusCode = (int)response.StatusCode;
        CopyResponseHeaders(response.Headers, target.Headers);
        CopyResponseHeaders(response.Content.Headers, target.Headers);
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var callerAborted = context.RequestAborted;
        var writer = target.BodyWriter;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var readingBackend = true;
        Task<int>? readDuringFlush = null;
        try
        {
            await using var source = await response.Content.ReadAsStreamAsync(callerAborted);
            var unflushed = 0;
            while (true)
            {
                readingBackend = true;
                var pending = source.ReadAsync(buffer, callerAborted);
                if (!pending.IsCompleted && unflushed > 0)
                {
                    // The backend has nothing more ready: pass on what it sent before waiting for it.
                    readDuringFlush = pending.AsTask();
                    readingBackend = false;
                    if ((await writer.FlushAsync(callerAborted)).IsCompleted)
                    {
                        return;
                    }

                    unflushed = 0;
                    readingBackend = true;
                    pending = new ValueTask<int>(readDuringFlush);
                }

                var read = await pending;
                readDuringFlush = null;
                if (read == 0)
                {
                    // Whatever is left goes out with the end of the response, in the same write.
                    return;
                }

                readingBackend = false;
                writer.Write(buffer.AsSpan(0, read));
                unflushed += read;
                if (unflushed >= MaxUnflushed)
                {
                    if ((await writer.FlushAsync(callerAborted)).IsCompleted)
                    {
                        return;
                    }

                    unflushed = 0;
                }
            }
        }
        catch (Exception e) when (callerAborted.IsCancellationRequested || !readingBackend)
        {
            LogCallerAborted(logger, destination.Name, e.GetType().Name);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            LogResponseBodyFailed(logger, e, destination.ToString());
            // The status line is gone already: cut the connection so the caller sees an incomplete response.
            context.Abort();
        }
        finally
        {
            // A read still in flight would write into a buffer already lent to another request.
            if (readDuringFlush is null || readDuringFlush.IsCompleted)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static void CopyResponseHeaders(System.Net.Http.Headers.HttpHeaders source, IHeaderDictionary target)
    {
        var connection = source.NonValidated.TryGetValues(HeaderNames.Connection, out var listed)
            ? ToStringValues(listed)
            : StringValues.Empty;
        foreach (var (name, values) in source.NonValidated)
        {
            if (HopByHopHeaders.IsHopByHop(name, connection) || name.Equals(RequestId.HeaderName, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            target[name] = ToStringValues(values);
        }
    }

    private static StringValues ToStringValues(System.Net.Http.Headers.HeaderStringValues values)
    {
        if (values.Count == 1)
        {
            return values.ToString();
        }

        var array = new string[values.Count];
        var i = 0;
        foreach (var value in values)
        {
            array[i++] = value;
        }

        return array;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Caller went away while {Where} was being forwarded ({Reason})")]
    private static partial void LogCallerAborted(ILogger logger, string where, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Destination} of {ClusterId} refused the connection; left out for {Period} ({Reason})")]
    private static partial void LogDestinationLeftOut(ILogger logger, string destination, string clusterId, TimeSpan period, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Destination} of {ClusterId} still refuses connections")]
    private static partial void LogDestinationStillRefusing(ILogger logger, string destination, string clusterId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No destination of {ClusterId} accepted the connection; answering 502")]
    private static partial void LogNoDestinationAccepted(ILogger logger, string clusterId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ClusterId} did not answer within {Timeout} ({Destination}, {Reason})")]
    private static partial void LogTimedOut(ILogger logger, string clusterId, TimeSpan timeout, string destination, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding to {Destination} of {ClusterId} failed")]
    private static partial void LogBackendFailed(ILogger logger, Exception exception, string clusterId, string destination);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Destination} broke off its response body")]
    private static partial void LogResponseBodyFailed(ILogger logger, Exception exception, string destination);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The request body for route {RouteId} could not be read from the caller")]
    private static partial void LogCallerBodyFailed(ILogger logger, Exception exception, string routeId);
}
