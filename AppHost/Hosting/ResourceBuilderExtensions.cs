namespace Fleet.AppHost.Hosting;

public static class ResourceBuilderExtensions
{
    /// <summary>Starts this resource only once <paramref name="dependency"/> is healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> dependency)
        where T : Resource
    {
        builder.Resource.WaitsFor.Add(dependency.Resource);
        return builder;
    }

    /// <summary>Gives this resource <c>ConnectionStrings__{name}</c> for the source.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> source)
        where T : Resource
    {
        builder.Resource.References.Add((Resource)source.Resource);
        return builder;
    }

    /// <summary>Gives this resource <c>services__{name}__http__{i}</c> for every replica of the source.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithEndpoints> source)
        where T : Resource
    {
        builder.Resource.References.Add((Resource)source.Resource);
        return builder;
    }

    public static IResourceBuilder<T> WithStartTimeout<T>(this IResourceBuilder<T> builder, TimeSpan timeout) where T : Resource
    {
        builder.Resource.StartTimeout = timeout;
        return builder;
    }
}
