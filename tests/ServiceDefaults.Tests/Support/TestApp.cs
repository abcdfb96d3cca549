using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Fleet.ServiceDefaultsTests.Support;

public static class TestApp
{
    /// <summary>A builder for an in-memory (TestServer) app, in Production unless told otherwise.</summary>
    public static WebApplicationBuilder CreateBuilder(
        IEnumerable<KeyValuePair<string, string?>>? configuration = null,
        string environment = "Production")
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = typeof(TestApp).Assembly.GetName().Name,
        });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(configuration ?? []);
        // Logging stays on, as in a real service (ASP.NET Core creates the request Activity, and so
        // the problem's traceId, only when someone listens), but the console shows only critical events.
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        return builder;
    }
}
