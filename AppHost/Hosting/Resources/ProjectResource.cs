namespace Fleet.AppHost.Hosting;

/// <summary>A Fleet service, run from its build output as one process per replica.</summary>
public sealed class ProjectResource(string name, string projectDirectory) : Resource(name), IResourceWithEndpoints
{
    public override string Kind => "project";

    /// <summary>The project folder, relative to the repository root.</summary>
    public string ProjectDirectory { get; } = projectDirectory;

    public int Replicas { get; internal set; } = 1;

    /// <summary>A fixed port (only for a single replica); otherwise each replica gets a free one.</summary>
    public int? FixedPort { get; internal set; }

    /// <summary>Values are read when the process starts, so they may name ports and secrets settled later.</summary>
    public Dictionary<string, Func<string>> Environment { get; } = [];

    public List<Uri> AllocatedEndpoints { get; } = [];

    public IReadOnlyList<Uri> Endpoints => AllocatedEndpoints;
}
