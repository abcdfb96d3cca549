namespace Fleet.AppHost.Hosting;

/// <summary>
/// A server the AppHost starts from local binaries (where Aspire would start a container), or an existing
/// one named by <c>ConnectionStrings__{Name}</c>, in which case nothing is started for it.
/// </summary>
public abstract class ServerResource(string name) : Resource(name), IResourceWithConnectionString
{
    /// <summary>Set when <c>ConnectionStrings__{Name}</c> was given: that server is used as it is.</summary>
    public string? ExistingConnectionString { get; internal set; }

    public bool IsExisting => ExistingConnectionString is not null;

    public int Port { get; internal set; }

    public string Password { get; internal set; } = "";

    /// <summary>Where this server keeps its data, under the AppHost's data folder.</summary>
    public string DataDirectory { get; internal set; } = "";

    public string ConnectionString => ExistingConnectionString ?? BuildConnectionString();

    protected abstract string BuildConnectionString();
}
