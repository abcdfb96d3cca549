namespace Fleet.AppHost.Hosting;

public sealed class DistributedApplicationOptions
{
    /// <summary>The checkout the services are built in.</summary>
    public string RepositoryRoot { get; set; } = RepositoryInfo.Root;

    /// <summary>Where servers keep their data, logs, secrets and ports: <c>.fleet/</c> unless set.</summary>
    public string DataDirectory { get; set; } = Path.Combine(RepositoryInfo.Root, ".fleet");

    /// <summary>The build configuration whose output the services run from.</summary>
    public string Configuration { get; set; } = RepositoryInfo.Configuration;

    /// <summary>Gives fixed ports up for free ones (tests run beside a developer's AppHost).</summary>
    public bool RandomizePorts { get; set; }

    /// <summary>Remembers each resource's port in the data folder so that URLs stay the same across runs.</summary>
    public bool PersistPorts { get; set; } = true;

    public ConsoleMode Console { get; set; } = ConsoleMode.Auto;

    /// <summary>ASPNETCORE_ENVIRONMENT for the services.</summary>
    public string EnvironmentName { get; set; } = "Development";

    /// <summary>Where services send telemetry (the dashboard's OTLP receiver), when there is one.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Deletes the data folder when the app is disposed (the testing builder's throw-away folders).</summary>
    public bool DeleteDataDirectoryOnDispose { get; set; }

    /// <summary>How long everything may take to stop before what is left is killed.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(9);
}

public enum ConsoleMode
{
    /// <summary>A live table on a terminal, plain lines when the output is redirected.</summary>
    Auto,
    Live,
    Plain,
    /// <summary>Nothing on the console; output is still kept per resource in the data folder.</summary>
    None,
}
