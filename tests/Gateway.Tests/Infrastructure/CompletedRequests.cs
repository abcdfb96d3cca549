using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Fleet.Gateway.Tests.Infrastructure;

/// <summary>
/// Signals each request the gateway has completely finished with (its whole pipeline returned, logging
/// included), so a test can assert what was or was not logged without guessing how long to wait.
/// </summary>
public sealed class CompletedRequests : IStartupFilter
{
    private readonly Channel<string> _paths = Channel.CreateUnbounded<string>();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            var path = context.Request.Path.Value ?? "";
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                _paths.Writer.TryWrite(path);
            }
        });
        next(app);
    };

    public async Task WaitForAsync(string path, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (await _paths.Reader.ReadAsync(cancel.Token) != path)
        {
        }
    }
}
