using Fleet.AppHost.Hosting.Processes;

namespace Fleet.AppHost.Hosting.Runners;

internal sealed class ExecutableRunner(ExecutableResource executable, RunContext context) : ProcessRunner(executable, context)
{
    public override string? Endpoint => executable.HealthCheckUri?.GetLeftPart(UriPartial.Authority);

    protected override ProcessSpec CreateProcessSpec()
    {
        var spec = new ProcessSpec(executable.Command, executable.Arguments);
        foreach (var (name, value) in executable.Environment)
        {
            spec.Environment[name] = value;
        }
        return spec;
    }

    public override Task<HealthCheck> CheckHealthAsync(CancellationToken cancellationToken) =>
        executable.HealthCheckUri is { } url
            ? HttpHealth.CheckAsync(Context.HealthClient, url, cancellationToken)
            : Task.FromResult(Pid is null ? HealthCheck.Unhealthy("not running") : HealthCheck.Healthy());
}
