using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Fleet.AppHost.LocalServers.Postgres;
using Fleet.AppHost.LocalServers.RabbitMQ;
using Fleet.AppHost.LocalServers.Redis;
using Fleet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using RabbitMQ.Client;
using StackExchange.Redis;

namespace Fleet.AppHost.Tests;

/// <summary>PostgreSQL, RabbitMQ and Redis as the AppHost runs them: real servers from the Debian packages.</summary>
public sealed class LocalServersTests
{
    [Fact]
    public async Task The_servers_start_with_their_databases_keep_their_data_across_runs_and_leave_no_process_behind()
    {
        using var data = new TestDataDirectory();

        var first = await TestServers.StartAsync(dataDirectory: data.Path, databases: "ridesdb");
        var started = ProcessesOf(first.App);
        await using (first)
        {
            await using var connection = new NpgsqlConnection(await first.ConnectionStringAsync("ridesdb"));
            await connection.OpenAsync();
            await new NpgsqlCommand("CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)", connection).ExecuteNonQueryAsync();

            await using var broker = await new ConnectionFactory { Uri = new Uri(await first.ConnectionStringAsync("rabbitmq")) }.CreateConnectionAsync();
            await using var channel = await broker.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
            await channel.QueueDeclareAsync("kept", durable: true, exclusive: false, autoDelete: false);
            await channel.BasicPublishAsync("", "kept", mandatory: true, new BasicProperties { Persistent = true }, "still here"u8.ToArray());

            await using var redis = await ConnectionMultiplexer.ConnectAsync(await first.ConnectionStringAsync("redis"));
            await redis.GetDatabase().StringSetAsync("kept", "yes");
        }

        started.Should().Contain(p => p.Contains("postgres")).And.Contain(p => p.Contains("beam.smp")).And.Contain(p => p.Contains("epmd"))
            .And.Contain(p => p.Contains("redis-server"));
        (await ProcessTree.WaitForExitAsync(started.Select(p => int.Parse(p.Split(' ')[0])), TimeSpan.FromSeconds(15)))
            .Should().BeEmpty("disposing the app stops every process it started, and theirs");

        await using var second = await TestServers.StartAsync(dataDirectory: data.Path, databases: "ridesdb");
        await using (var connection = new NpgsqlConnection(await second.ConnectionStringAsync("ridesdb")))
        {
            await connection.OpenAsync();
            (await new NpgsqlCommand("SELECT id FROM kept", connection).ExecuteScalarAsync()).Should().Be(42);
        }
        await using (var broker = await new ConnectionFactory { Uri = new Uri(await second.ConnectionStringAsync("rabbitmq")) }.CreateConnectionAsync())
        await using (var channel = await broker.CreateChannelAsync())
        {
            var message = await channel.BasicGetAsync("kept", autoAck: true);
            message.Should().NotBeNull("a persistent message in a durable queue survives the broker's restart");
        }
        await using var cache = await ConnectionMultiplexer.ConnectAsync(await second.ConnectionStringAsync("redis"));
        (await cache.GetDatabase().StringGetAsync("kept")).ToString().Should().Be("yes");
    }

    [Fact]
    public async Task Stopping_takes_the_management_statistics_handler_out_of_the_running_broker_first()
    {
        await using var servers = await TestServers.StartAsync(postgres: false, redis: false);
        var model = servers.App.Services.GetRequiredService<DistributedApplicationModel>();
        var broker = model.Resources.OfType<RabbitMQServerResource>().Single();
        var epmd = model.Resources.OfType<EpmdResource>().Single();
        var release = servers.App.Services.GetServices<IHostedService>().OfType<ManagementAgentRelease>().Single();
        Task<string?> Handlers() => RabbitMQControl.EvalAsync(broker, epmd, "gen_event:which_handlers(rabbit_event).", TimeSpan.FromSeconds(30), default);

        (await Handlers()).Should().Contain(ManagementAgentRelease.StatisticsHandler);

        await release.StoppingAsync(default);

        // Left in, the handler is taken out while the node stops, and waits 5 s there for the stopping node.
        (await Handlers()).Should().NotBeNull("the broker still runs").And.NotContain(ManagementAgentRelease.StatisticsHandler);
    }

    [Fact]
    public async Task A_configured_connection_string_means_an_existing_server_is_used_and_nothing_is_started()
    {
        await using var existing = await TestServers.StartAsync(rabbitmq: false, redis: false);
        var server = await existing.ConnectionStringAsync("postgres");
        using var data = new TestDataDirectory();
        var builder = TestServers.CreateBuilder("--DataDirectory", data.Path, "--ConnectionStrings:postgres", server);
        builder.AddPostgres("postgres").AddDatabase("filesdb");
        await using var app = builder.Build();

        await app.StartAsync();
        var healthy = app.ResourceNotifications.WaitForResourceHealthyAsync("filesdb");
        (await Task.WhenAny(healthy, Task.Delay(TimeSpan.FromMinutes(1)))).Should().Be(healthy, AppState.Describe(app));

        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        model.Resources.OfType<ExecutableResource>().Should().BeEmpty("no server process is started for an existing server");
        model.Resources.Single(r => r.Name == "postgres").Should().BeOfType<ExistingPostgresServerResource>();
        await using var connection = new NpgsqlConnection(await ConnectionString(app, "filesdb"));
        await connection.OpenAsync();
        connection.Port.Should().Be(new NpgsqlConnectionStringBuilder(server).Port, "the database was created on the existing server");
        Directory.Exists(Path.Combine(data.Path, "postgres")).Should().BeFalse();
    }

    private static async Task<string> ConnectionString(DistributedApplication app, string name) =>
        await app.GetConnectionStringAsync(name) ?? throw new InvalidOperationException($"{name} has no connection string");

    /// <summary>Every process the app runs for its resources, and everything those started, described by command line.</summary>
    private static IReadOnlyList<string> ProcessesOf(DistributedApplication app)
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var roots = model.Resources.OfType<ExecutableResource>().Select(r => ProcessTree.PidOf(app, r.Name)).OfType<int>().ToList();
        roots.Should().HaveCount(model.Resources.OfType<ExecutableResource>().Count(), "every server reports its process id");
        return roots.Concat(roots.SelectMany(ProcessTree.DescendantsOf)).Distinct().Select(ProcessTree.Describe).ToList();
    }
}
