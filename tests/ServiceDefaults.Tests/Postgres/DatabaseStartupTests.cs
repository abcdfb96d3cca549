using System.Net;
using System.Text.Json;
using Fleet.ServiceDefaults.Postgres.Migrations;
using Fleet.ServiceDefaultsTests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Fleet.ServiceDefaultsTests.Postgres;

/// <summary>A service as its Program.cs sets it up: AddNpgsqlDataSource(...).WithMigrations(...).</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class DatabaseStartupTests(InfrastructureFixture infrastructure)
{
    [Fact]
    public async Task The_embedded_migrations_are_applied_before_the_app_serves_and_health_reports_the_database()
    {
        await using var database = await TestDatabase.CreateAsync(infrastructure);
        long? versionWhenServerStarts = null;
        await using var app = BuildApp(database.ConnectionString, builder =>
            builder.Services.AddSingleton<IStartupFilter>(new OnPipelineBuild(() =>
            {
                // The request pipeline is built right before the server starts listening.
                using var connection = new NpgsqlConnection(database.ConnectionString);
                connection.Open();
                using var command = new NpgsqlCommand("SELECT max(version) FROM schema_migrations", connection);
                versionWhenServerStarts = (long)command.ExecuteScalar()!;
            })));

        await app.StartAsync();

        versionWhenServerStarts.Should().Be(2);
        (await database.ScalarAsync<long>("SELECT count(*) FROM widgets")).Should().Be(2);

        var response = await app.GetTestClient().GetAsync("/health");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        health.RootElement.GetProperty("checks").GetProperty("testdb").GetProperty("status").GetString().Should().Be("Healthy");
    }

    [Fact]
    public async Task Start_up_fails_when_an_applied_migration_was_edited()
    {
        await using var database = await TestDatabase.CreateAsync(infrastructure);
        await using (var dataSource = database.CreateDataSource())
        {
            await new SqlMigrator(dataSource, NullLogger<SqlMigrator>.Instance).MigrateAsync(
                [SqlMigration.FromFile("0001_create_widgets.sql", "CREATE TABLE widgets (id bigint PRIMARY KEY);")]);
        }
        await using var app = BuildApp(database.ConnectionString);

        var start = () => app.StartAsync();

        await start.Should().ThrowAsync<InvalidOperationException>()
            .WithMessage("Migration 0001_create_widgets.sql was changed after it was applied*");
    }

    [Fact]
    public async Task An_unreachable_database_makes_health_503_but_not_alive()
    {
        var builder = TestApp.CreateBuilder([
            new("ConnectionStrings:testdb", $"Host=127.0.0.1;Port={TestApp.ClosedPort()};Database=x;Username=x;Password=x;Timeout=2"),
        ]);
        builder.AddServiceDefaults();
        builder.AddNpgsqlDataSource("testdb");
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        var client = app.GetTestClient();

        var health = await client.GetAsync("/health");
        var alive = await client.GetAsync("/alive");

        health.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        using var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("status").GetString().Should().Be("Unhealthy");
        var check = body.RootElement.GetProperty("checks").GetProperty("testdb");
        check.GetProperty("status").GetString().Should().Be("Unhealthy");
        check.TryGetProperty("error", out _).Should().BeFalse("exception messages stay out of responses outside Development");

        alive.StatusCode.Should().Be(HttpStatusCode.OK);
        (await alive.Content.ReadAsStringAsync()).Should().NotContain("testdb");
    }

    private static WebApplication BuildApp(string connectionString, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = TestApp.CreateBuilder([new("ConnectionStrings:testdb", connectionString)]);
        builder.AddServiceDefaults();
        builder.AddNpgsqlDataSource("testdb").WithMigrations(typeof(DatabaseStartupTests).Assembly);
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
