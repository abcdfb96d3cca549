using System.Net;
using System.Text.Json;
using Fleet.ServiceDefaultsTests.Postgres.Widgets;
using Fleet.ServiceDefaultsTests.Support;
using Fleet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;

namespace Fleet.ServiceDefaultsTests.Health;

[Collection(InfrastructureCollection.Name)]
public sealed class HealthEndpointTests(InfrastructureFixture infrastructure)
{
    [Fact]
    public async Task Health_runs_a_check_for_each_dependency_the_service_added_and_alive_only_the_process()
    {
        await using var database = await TestDatabase.CreateAsync(infrastructure);
        await using var app = await StartAsync(
            [
                new("ConnectionStrings:appdb", database.ConnectionString),
                new("ConnectionStrings:rabbitmq", infrastructure.RabbitMqConnectionString),
                new("ConnectionStrings:redis", infrastructure.RedisConnectionString),
            ],
            builder =>
            {
                builder.AddNpgsqlDbContext<WidgetsDbContext>("appdb", configureDbContextOptions: WidgetsDbContext.Configure);
                builder.AddRabbitMQClient("rabbitmq");
                builder.AddRedisClient("redis");
            });
        var client = app.GetTestClient();

        var health = await client.GetAsync("/health");
        var alive = await client.GetAsync("/alive");

        health.StatusCode.Should().Be(HttpStatusCode.OK);
        health.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        // The Aspire client integrations register the dependencies' checks, under their own names.
        var checks = await ChecksAsync(health);
        checks.Should().HaveCount(4).And.OnlyContain(check => check.Value == "Healthy");
        checks.Keys.Should().Contain(["self", "RabbitMQ.Client", "StackExchange.Redis"])
            .And.Contain(name => name.Contains(nameof(WidgetsDbContext)));
        alive.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ChecksAsync(alive)).Should().BeEquivalentTo(new Dictionary<string, string> { ["self"] = "Healthy" });
    }

    [Fact]
    public async Task An_unreachable_broker_or_cache_makes_health_503()
    {
        await using var app = await StartAsync(
            [
                new("ConnectionStrings:rabbitmq", $"amqp://guest:guest@127.0.0.1:{LoopbackPort.Unused()}/"),
                new("Aspire:RabbitMQ:Client:MaxConnectRetryCount", "0"),
                new("ConnectionStrings:redis", $"127.0.0.1:{LoopbackPort.Unused()},connectTimeout=500"),
            ],
            builder =>
            {
                builder.AddRabbitMQClient("rabbitmq");
                builder.AddRedisClient("redis");
            });
        var client = app.GetTestClient();

        var health = await client.GetAsync("/health");

        health.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await ChecksAsync(health)).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["self"] = "Healthy",
            ["RabbitMQ.Client"] = "Unhealthy",
            ["StackExchange.Redis"] = "Unhealthy",
        });
        (await client.GetAsync("/alive")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Development_responses_include_the_error()
    {
        var builder = TestApp.CreateBuilder(
            [new("ConnectionStrings:redis", $"127.0.0.1:{LoopbackPort.Unused()},connectTimeout=500")],
            environment: "Development");
        builder.AddServiceDefaults();
        builder.AddRedisClient("redis");
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();

        var health = await app.GetTestClient().GetAsync("/health");

        using var json = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        json.RootElement.GetProperty("checks").GetProperty("StackExchange.Redis").GetProperty("error").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task An_app_can_map_its_own_health_endpoint_instead()
    {
        var builder = TestApp.CreateBuilder();
        builder.AddServiceDefaults();
        await using var app = builder.Build();
        app.MapDefaultEndpoints(options => options.MapHealth = false);
        app.MapGet("/health", () => Results.Text("aggregate"));
        await app.StartAsync();
        var client = app.GetTestClient();

        (await client.GetStringAsync("/health")).Should().Be("aggregate");
        (await client.GetAsync("/alive")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private static async Task<WebApplication> StartAsync(
        KeyValuePair<string, string?>[] configuration,
        Action<WebApplicationBuilder> addDependencies)
    {
        var builder = TestApp.CreateBuilder(configuration);
        builder.AddServiceDefaults();
        addDependencies(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        return app;
    }

    private static async Task<Dictionary<string, string>> ChecksAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("checks").EnumerateObject()
            .ToDictionary(check => check.Name, check => check.Value.GetProperty("status").GetString()!);
    }
}
