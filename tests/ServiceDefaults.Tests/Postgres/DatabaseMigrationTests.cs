using System.Net;
using System.Text.Json;
using Fleet.ServiceDefaultsTests.Postgres.Widgets;
using Fleet.ServiceDefaultsTests.Support;
using Fleet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Fleet.ServiceDefaultsTests.Postgres;

/// <summary>A service as its Program.cs sets it up: AddNpgsqlDbContext, then AddDatabaseMigrations.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class DatabaseMigrationTests(InfrastructureFixture infrastructure)
{
    [Fact]
    public async Task Migrations_are_applied_before_the_app_serves_and_health_reports_the_database()
    {
        await using var database = await TestDatabase.CreateAsync(infrastructure);
        long? widgetsWhenServerStarts = null;
        await using var app = BuildApp(database.ConnectionString, builder =>
            builder.Services.AddSingleton<IStartupFilter>(new OnPipelineBuild(() =>
            {
                // The request pipeline is built right before the server starts listening.
                using var connection = new NpgsqlConnection(database.ConnectionString);
                connection.Open();
                using var command = new NpgsqlCommand("SELECT count(*) FROM widgets.widgets", connection);
                widgetsWhenServerStarts = (long)command.ExecuteScalar()!;
            })));

        await app.StartAsync();

        widgetsWhenServerStarts.Should().Be(2);
        (await database.ScalarAsync<string>("SELECT string_agg(\"MigrationId\", ',') FROM widgets.\"__EFMigrationsHistory\""))
            .Should().Be("20260101000000_CreateWidgets", "the history table lives in the service's schema");

        var response = await app.GetTestClient().GetAsync("/health");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        health.RootElement.GetProperty("checks").EnumerateObject().Select(check => check.Name)
            .Should().Contain(name => name.Contains(nameof(WidgetsDbContext)), "the Aspire integration checks the database");
    }

    [Fact]
    public async Task Two_replicas_starting_together_both_start_and_the_schema_is_applied_once()
    {
        await using var database = await TestDatabase.CreateAsync(infrastructure);
        await using var first = BuildApp(database.ConnectionString);
        await using var second = BuildApp(database.ConnectionString);

        await Task.WhenAll(first.StartAsync(), second.StartAsync());

        (await database.ScalarAsync<long>("SELECT count(*) FROM widgets.\"__EFMigrationsHistory\"")).Should().Be(1);
        (await database.ScalarAsync<long>("SELECT count(*) FROM widgets.widgets")).Should().Be(2);
        (await database.ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"))
            .Should().Be(0, "the migrators release their lock");
    }

    [Fact]
    public async Task An_unreachable_database_makes_health_503_but_not_alive()
    {
        var builder = TestApp.CreateBuilder([
            new("ConnectionStrings:testdb", $"Host=127.0.0.1;Port={LoopbackPort.Unused()};Database=x;Username=x;Password=x;Timeout=2"),
        ]);
        builder.AddServiceDefaults();
        builder.AddNpgsqlDbContext<WidgetsDbContext>("testdb", configureDbContextOptions: WidgetsDbContext.Configure);
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        var client = app.GetTestClient();

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var health = await client.GetAsync("/health");
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "a check times out instead of retrying for a minute");
        var alive = await client.GetAsync("/alive");

        health.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        using var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("status").GetString().Should().Be("Unhealthy");
        var check = body.RootElement.GetProperty("checks").EnumerateObject().Single(c => c.Name != "self").Value;
        check.GetProperty("status").GetString().Should().Be("Unhealthy");
        check.TryGetProperty("error", out _).Should().BeFalse("exception messages stay out of responses outside Development");

        alive.StatusCode.Should().Be(HttpStatusCode.OK);
        (await alive.Content.ReadAsStringAsync()).Should().NotContain(nameof(WidgetsDbContext));
    }

    private static WebApplication BuildApp(string connectionString, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = TestApp.CreateBuilder([new("ConnectionStrings:testdb", connectionString)]);
        builder.AddServiceDefaults();
        builder.AddNpgsqlDbContext<WidgetsDbContext>("testdb", configureDbContextOptions: WidgetsDbContext.Configure);
        builder.AddDatabaseMigrations<WidgetsDbContext>();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        return app;
    }

    private sealed class OnPipelineBuild(Action action) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            action();
            next(app);
        };
    }
}
