namespace Fleet.AppHost.Hosting;

public static class ExecutableBuilderExtensions
{
    public static IResourceBuilder<ExecutableResource> AddExecutable(
        this DistributedApplicationBuilder builder, string name, string command, params string[] arguments) =>
        builder.AddResource(new ExecutableResource(name, command, arguments));

    /// <summary>Healthy once this URL answers with a 2xx status.</summary>
    public static IResourceBuilder<ExecutableResource> WithHttpHealthCheck(this IResourceBuilder<ExecutableResource> builder, Uri url)
    {
        builder.Resource.HealthCheckUri = url;
        return builder;
    }

    public static IResourceBuilder<ExecutableResource> WithEnvironment(this IResourceBuilder<ExecutableResource> builder, string name, string value)
    {
        builder.Resource.Environment[name] = value;
        return builder;
    }
}
