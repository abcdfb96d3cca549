namespace Fleet.AppHost.Hosting;

/// <summary>Something the AppHost runs or connects to: a server, a database, a service.</summary>
public abstract class Resource(string name)
{
    public string Name { get; } = name;

    /// <summary>Shown in the console view: "postgres", "project", ...</summary>
    public abstract string Kind { get; }

    /// <summary>Resources that must be healthy before this one starts.</summary>
    public List<Resource> WaitsFor { get; } = [];

    /// <summary>Resources whose connection string or endpoints this one receives in its environment.</summary>
    public List<Resource> References { get; } = [];

    /// <summary>How long start-up may take before the AppHost gives up on it.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public override string ToString() => Name;
}

/// <summary>A resource that others reach through <c>ConnectionStrings__{Name}</c>.</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }

    /// <summary>Known once the app is built (ports and secrets are settled then).</summary>
    string ConnectionString { get; }
}

/// <summary>A resource that others reach through <c>services__{Name}__http__{i}</c>.</summary>
public interface IResourceWithEndpoints
{
    string Name { get; }

    IReadOnlyList<Uri> Endpoints { get; }
}
