using Fleet.AppHost.Hosting.Processes;

namespace Fleet.AppHost.Hosting.Runners;

/// <summary>Runs one replica of a service from its build output, configured only through the environment.</summary>
internal sealed class ProjectRunner(ProjectResource project, int replica, RunContext context) : ProcessRunner(project, context)
{
    private Uri Url => project.AllocatedEndpoints[replica];

    public override string InstanceName => project.Replicas > 1 ? $"{project.Name}-{replica}" : project.Name;

    public override string? Endpoint => Url.ToString().TrimEnd('/');

    private string OutputDirectory => Path.Combine(Context.Options.RepositoryRoot, project.ProjectDirectory, "bin", Context.Options.Configuration, "net10.0");

    private string AssemblyPath => Path.Combine(OutputDirectory, $"Fleet.{project.ProjectDirectory}.dll");

    public override IEnumerable<string> CheckPrerequisites()
    {
        if (!File.Exists(AssemblyPath))
        {
            yield return $"'{project.Name}' is not built ({AssemblyPath} is missing). Run: dotnet build Fleet.sln -c {Context.Options.Configuration}";
        }
    }

    protected override ProcessSpec CreateProcessSpec()
    {
        var spec = new ProcessSpec("dotnet", [AssemblyPath]) { WorkingDirectory = OutputDirectory };
        foreach (var (name, value) in ServiceEnvironment.For(project, replica, Context.Options))
        {
            spec.Environment[name] = value;
        }
        return spec;
    }

    public override Task<HealthCheck> CheckHealthAsync(CancellationToken cancellationToken) =>
        HttpHealth.CheckAsync(Context.HealthClient, new Uri(Url, "health"), cancellationToken);
}
