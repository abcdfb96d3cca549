using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Fleet.AppHost.LocalServers;
using Fleet.AppHost.LocalServers.Postgres;
using Fleet.AppHost.LocalServers.RabbitMQ;
using Fleet.AppHost.LocalServers.Redis;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Testing;

/// <summary>
/// Real PostgreSQL, RabbitMQ and Redis for a test fixture, started through the AppHost's own resources in a throw-away
/// folder on free ports, and stopped (folder deleted) when disposed.
/// </summary>
public sealed class TestServers : IAsyncDisposable
{
    private readonly TestDataDirectory? _ownData;
    private DistributedApplication? _app;

    private TestServers(TestDataDirectory? ownData) => _ownData = ownData;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("Not started.");

    /// <summary>
    /// Starts the servers; <paramref name="databases"/> are created on PostgreSQL. Their data lives in a folder of their
    /// own, deleted when disposed, unless the caller gives one (<paramref name="dataDirectory"/>, left in place).
    /// </summary>
    public static async Task<TestServers> StartAsync(bool postgres = true, bool rabbitmq = true, bool redis = true,
        string? dataDirectory = null, params string[] databases)
    {
        var servers = new TestServers(dataDirectory is null ? new TestDataDirectory() : null);
        var builder = CreateBuilder("--DataDirectory", dataDirectory ?? servers._ownData!.Path);
        if (postgres)
        {
            var server = builder.AddPostgres("postgres");
            foreach (var database in databases)
            {
                server.AddDatabase(database);
            }
        }
        if (rabbitmq)
        {
            builder.AddRabbitMQ("rabbitmq");
        }
        if (redis)
        {
            builder.AddRedis("redis");
        }
        servers._app = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await servers._app.StartAsync(timeout.Token);
        var notifications = servers._app.Services.GetRequiredService<ResourceNotificationService>();
        var model = servers._app.Services.GetRequiredService<DistributedApplicationModel>();
        try
        {
            foreach (var resource in model.Resources.OfType<IResourceWithConnectionString>())
            {
                await notifications.WaitForResourceHealthyAsync(resource.Name, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is DistributedApplicationException or OperationCanceledException)
        {
            throw new InvalidOperationException($"The test servers did not become healthy:{Environment.NewLine}{AppState.Describe(servers._app)}", ex);
        }
        return servers;
    }

    /// <summary>
    /// An empty app model for tests that add resources of their own. It runs on the orchestrator (DCP) the AppHost
    /// was built with: Aspire finds it through the AppHost assembly's metadata.
    /// </summary>
    public static IDistributedApplicationBuilder CreateBuilder(params string[] args) =>
        DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            // As Aspire.Hosting.Testing does: disposing waits until the orchestrator has stopped every process.
            Args = [.. args, "--DcpPublisher:WaitForResourceCleanup=true"],
            AssemblyName = typeof(DevelopmentSecrets).Assembly.GetName().Name,
            DisableDashboard = true,
            // The servers' own output in the test log: why one did not start is in it.
            EnableResourceLogging = true,
        });

    public async Task<string> ConnectionStringAsync(string name)
    {
        var model = App.Services.GetRequiredService<DistributedApplicationModel>();
        var resource = model.Resources.OfType<IResourceWithConnectionString>().Single(r => r.Name == name);
        return await resource.GetConnectionStringAsync() ?? throw new InvalidOperationException($"{name} has no connection string.");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        _ownData?.Dispose();
    }
}
