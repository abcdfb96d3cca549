using Microsoft.Extensions.Configuration;

namespace Fleet.AppHost.Hosting;

/// <summary>Collects the app model: which resources exist and how they depend on each other.</summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<Resource> _resources = [];

    internal DistributedApplicationBuilder(string[] args, DistributedApplicationOptions options)
    {
        Options = options;
        Configuration = new ConfigurationManager();
        Configuration.AddEnvironmentVariables();
        Configuration.AddCommandLine(args);
        if (Configuration["environment"] is { Length: > 0 } environment)
        {
            Options.EnvironmentName = environment;
        }
        if (Configuration["DataDirectory"] is { Length: > 0 } dataDirectory && !options.DeleteDataDirectoryOnDispose)
        {
            Options.DataDirectory = Path.GetFullPath(dataDirectory);
        }
    }

    /// <summary>Environment variables and command-line arguments (<c>--GatewayPort 9090</c>).</summary>
    public ConfigurationManager Configuration { get; }

    public DistributedApplicationOptions Options { get; }

    public IReadOnlyList<Resource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : Resource
    {
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"A resource named '{resource.Name}' already exists.");
        }
        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    /// <summary>Aspire's existing-resource pattern: a connection string given from outside means "use that server".</summary>
    internal string? ExistingConnectionString(string name) =>
        Configuration.GetConnectionString(name) is { Length: > 0 } value ? value : null;

    public DistributedApplication Build()
    {
        var startOrder = StartOrder.Compute(_resources);
        Testing.DistributedApplicationTestingBuilder.Current?.Configure?.Invoke(this);
        return new DistributedApplication(this, startOrder);
    }
}
