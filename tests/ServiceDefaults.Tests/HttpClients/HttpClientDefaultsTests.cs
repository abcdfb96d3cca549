using Fleet.ServiceDefaultsTests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.ServiceDefaultsTests.HttpClients;

public sealed class HttpClientDefaultsTests
{
    [Fact]
    public async Task Every_http_client_resolves_service_names_and_retries_a_transient_failure()
    {
        // A backend on a real loopback port whose first answer is a 503.
        var backendBuilder = WebApplication.CreateSlimBuilder();
        backendBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        backendBuilder.Logging.ClearProviders();
        await using var backend = backendBuilder.Build();
        var calls = 0;
        backend.MapGet("/ping", () => Interlocked.Increment(ref calls) == 1 ? Results.StatusCode(503) : Results.Text("pong"));
        await backend.StartAsync();

        var builder = TestApp.CreateBuilder([new("services:echo:http:0", backend.Urls.First())]);
        builder.AddServiceDefaults();
        await using var app = builder.Build();
        var client = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("any");

        var answer = await client.GetStringAsync("http://echo/ping");

        answer.Should().Be("pong");
        calls.Should().Be(2, "the standard resilience handler retried the 503");
    }
}
