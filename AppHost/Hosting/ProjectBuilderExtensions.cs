using Projects;

namespace Fleet.AppHost.Hosting;

public static class ProjectBuilderExtensions
{
    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this DistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata =>
        builder.AddResource(new ProjectResource(name, TProject.ProjectDirectory));

    /// <summary>Runs <paramref name="replicas"/> copies, each on its own port, each listed as <c>services__{name}__http__{i}</c>.</summary>
    public static IResourceBuilder<ProjectResource> WithReplicas(this IResourceBuilder<ProjectResource> builder, int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        if (replicas > 1 && builder.Resource.FixedPort is not null)
        {
            throw new InvalidOperationException($"'{builder.Resource.Name}' has a fixed port and so can run only one replica.");
        }
        builder.Resource.Replicas = replicas;
        return builder;
    }

    /// <summary>Listens on a fixed port instead of a free one (the testing builder turns fixed ports into free ones).</summary>
    public static IResourceBuilder<ProjectResource> WithHttpEndpoint(this IResourceBuilder<ProjectResource> builder, int port)
    {
        if (builder.Resource.Replicas > 1)
        {
            throw new InvalidOperationException($"'{builder.Resource.Name}' runs {builder.Resource.Replicas} replicas and so cannot have a fixed port.");
        }
        builder.Resource.FixedPort = port;
        return builder;
    }

    public static IResourceBuilder<ProjectResource> WithEnvironment(this IResourceBuilder<ProjectResource> builder, string name, string value) =>
        builder.WithEnvironment(name, () => value);

    /// <summary>A value worked out when the process starts, e.g. from another resource's endpoint.</summary>
    public static IResourceBuilder<ProjectResource> WithEnvironment(this IResourceBuilder<ProjectResource> builder, string name, Func<string> value)
    {
        builder.Resource.Environment[name] = value;
        return builder;
    }

    public static IResourceBuilder<ProjectResource> WithEnvironment(
        this IResourceBuilder<ProjectResource> builder, string name, IResourceBuilder<ParameterResource> parameter)
    {
        var resource = parameter.Resource;
        return builder.WithEnvironment(name, () => resource.Value);
    }
}
