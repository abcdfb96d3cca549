using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.Gateway.Tests.Infrastructure;

/// <summary>A small real Kestrel server on a free loopback port, standing in for a Fleet service.</summary>
public sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestBackend(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public static async Task<TestBackend> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new TestBackend(app, app.Urls.Single());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
