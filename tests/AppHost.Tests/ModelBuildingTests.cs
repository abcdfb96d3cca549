using Fleet.AppHost.Hosting.Testing;
using Fleet.AppHost.Hosting;


namespace Fleet.AppHost.Tests;

public sealed class ModelBuildingTests
{
    [Fact]
    public void A_dependency_cycle_is_refused_with_the_cycle_named()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        var a = builder.AddExecutable("a", "true");
        var b = builder.AddExecutable("b", "true").WaitFor(a);
        var c = builder.AddExecutable("c", "true").WaitFor(b);
        a.WaitFor(c);

        var build = () => builder.Build();

        build.Should().Throw<DistributedApplicationException>().WithMessage("*cycle*a -> c -> b -> a*");
    }

    [Fact]
    public void A_dependency_outside_the_model_is_refused()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        var stranger = DistributedApplicationTestingBuilder.Create().AddExecutable("stranger", "true");
        builder.AddExecutable("a", "true").WaitFor(stranger);

        var build = () => builder.Build();

        build.Should().Throw<DistributedApplicationException>().WithMessage("*'a' depends on 'stranger'*");
    }

    [Fact]
    public async Task A_connection_string_given_from_outside_means_that_server_is_used_and_none_is_started()
    {
        var builder = DistributedApplicationTestingBuilder.Create("--ConnectionStrings:redis=10.9.9.9:6390,password=given");
        var redis = builder.AddRedis("redis");
        await using var app = builder.Build();

        redis.Resource.IsExisting.Should().BeTrue();
        app.GetConnectionString("redis").Should().Be("10.9.9.9:6390,password=given");
    }

    [Fact]
    public void Replicas_and_a_fixed_port_do_not_mix()
    {
        var builder = DistributedApplicationTestingBuilder.Create();

        var act = () => builder.AddProject<Projects.IngestService>("ingest").WithReplicas(2).WithHttpEndpoint(port: 9000);

        act.Should().Throw<InvalidOperationException>().WithMessage("*2 replicas*");
    }

    [Fact]
    public void Database_names_that_would_need_escaping_are_refused()
    {
        var builder = DistributedApplicationTestingBuilder.Create();

        var act = () => builder.AddPostgres("postgres").AddDatabase("rides", "rides\"; DROP");

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task A_secret_parameter_is_generated_once_kept_and_handed_to_the_service_through_its_environment()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        var secret = builder.AddParameter("admin-password", secret: true);
        var service = builder.AddProject<Projects.AuthService>("auth").WithEnvironment("Seed__Admin__Password", secret);
        await using var app = builder.Build();

        var value = app.GetParameterValue("admin-password");
        var environment = Fleet.AppHost.Hosting.Runners.ServiceEnvironment.For(service.Resource, 0, app.Options);

        value.Should().HaveLength(32);
        environment["Seed__Admin__Password"].Should().Be(value);
        var kept = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(app.Options.DataDirectory, "secrets.json")));
        kept.RootElement.GetProperty("admin-password").GetString().Should().Be(value, "the same secret is used on the next run");
    }

    [Fact]
    public async Task A_parameter_given_in_configuration_is_used_as_it_is()
    {
        var builder = DistributedApplicationTestingBuilder.Create("--Parameters:admin-password=chosen-by-me");
        builder.AddParameter("admin-password", secret: true);
        await using var app = builder.Build();

        app.GetParameterValue("admin-password").Should().Be("chosen-by-me");
    }
}
