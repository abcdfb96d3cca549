namespace Fleet.AppHost.Hosting;

/// <summary>Configures one resource of the app model, as Aspire's IResourceBuilder does.</summary>
public interface IResourceBuilder<out T>
{
    T Resource { get; }

    DistributedApplicationBuilder ApplicationBuilder { get; }
}

internal sealed class ResourceBuilder<T>(T resource, DistributedApplicationBuilder applicationBuilder) : IResourceBuilder<T>
{
    public T Resource { get; } = resource;

    public DistributedApplicationBuilder ApplicationBuilder { get; } = applicationBuilder;
}
