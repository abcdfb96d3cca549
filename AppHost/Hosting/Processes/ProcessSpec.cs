namespace Fleet.AppHost.Hosting.Processes;

/// <summary>How to start one process.</summary>
internal sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments)
{
    public Dictionary<string, string?> Environment { get; init; } = [];

    public string? WorkingDirectory { get; init; }

    /// <summary>Runs the process as this user (PostgreSQL refuses to run as root).</summary>
    public string? RunAsUser { get; init; }

    public override string ToString() => string.Join(' ', Arguments.Prepend(FileName));
}
