using Fleet.AppHost.Hosting.Testing;
using Fleet.AppHost.Hosting;
using Fleet.AppHost.Hosting.Runners;


namespace Fleet.AppHost.Tests;

/// <summary>The Fleet app model as AppHost/Program.cs declares it, built but not started.</summary>
public sealed class AppModelTests : IAsyncLifetime
{
    private DistributedApplication _app = null!;

    public async Task InitializeAsync() => _app = await DistributedApplicationTestingBuilder.CreateAsync<Program>();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private T Resource<T>(string name) where T : Resource => _app.Resources.OfType<T>().Single(r => r.Name == name);

    [Fact]
    public void Servers_start_before_databases_and_databases_before_the_services_that_use_them()
    {
        var levels = StartOrder.Compute(_app.Resources);
        int LevelOf(string name) => levels.Select((level, i) => (level, i)).Single(x => x.level.Any(r => r.Name == name)).i;

        LevelOf("postgres").Should().BeLessThan(LevelOf("ridesdb"));
        LevelOf("ridesdb").Should().BeLessThan(LevelOf("ingest"));
        LevelOf("rabbitmq").Should().BeLessThan(LevelOf("ingest"));
        LevelOf("redis").Should().BeLessThan(LevelOf("auth"));
        foreach (var service in new[] { "auth", "ingest", "files", "audit", "scheduler" })
        {
            LevelOf(service).Should().BeLessThan(LevelOf("gateway"), $"the gateway refers to {service} and so stops before it");
        }
    }

    [Fact]
    public void Each_service_gets_its_own_database_broker_and_telemetry_name_through_the_environment()
    {
        var ingest = Resource<ProjectResource>("ingest");
        var environment = ServiceEnvironment.For(ingest, 1, _app.Options);

        environment["ConnectionStrings__ridesdb"].Should().Contain("Database=ridesdb").And.Contain($"Port={Resource<PostgresServerResource>("postgres").Port}");
        environment["ConnectionStrings__rabbitmq"].Should().StartWith("amqp://fleet:");
        environment["OTEL_SERVICE_NAME"].Should().Be("ingest");
        environment["ASPNETCORE_URLS"].Should().Be(ingest.Endpoints[1].ToString().TrimEnd('/'));
        environment.Keys.Should().NotContain(k => k.StartsWith("ConnectionStrings__authdb"), "a service reads only its own database");
    }

    [Fact]
    public void The_gateway_learns_every_replica_of_every_service()
    {
        var gatewayEnvironment = ServiceEnvironment.For(Resource<ProjectResource>("gateway"), 0, _app.Options);
        var ingest = Resource<ProjectResource>("ingest");

        ingest.Endpoints.Should().HaveCount(2).And.OnlyHaveUniqueItems();
        gatewayEnvironment["services__ingest__http__0"].Should().Be(ingest.Endpoints[0].ToString().TrimEnd('/'));
        gatewayEnvironment["services__ingest__http__1"].Should().Be(ingest.Endpoints[1].ToString().TrimEnd('/'));
        foreach (var service in new[] { "auth", "files", "audit", "scheduler" })
        {
            gatewayEnvironment.Should().ContainKey($"services__{service}__http__0");
        }
    }

    [Fact]
    public void Under_test_the_gateway_gets_a_free_port_instead_of_the_fixed_one()
    {
        Resource<ProjectResource>("gateway").FixedPort.Should().Be(8080);
        _app.GetEndpoint("gateway").Port.Should().NotBe(8080);
    }
}
