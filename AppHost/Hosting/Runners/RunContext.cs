using Fleet.AppHost.Hosting.Processes;

namespace Fleet.AppHost.Hosting.Runners;

/// <summary>What every runner shares: the options, the data folder, logs, a health-check HTTP client.</summary>
internal sealed class RunContext(DistributedApplicationOptions options, Action<string, string> onOutputLine) : IDisposable
{
    private readonly List<ResourceLog> _logs = [];

    public DistributedApplicationOptions Options { get; } = options;

    public event Action? Changed;

    public HttpClient HealthClient { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
    {
        Timeout = TimeSpan.FromSeconds(3),
    };

    public string DataPath(params string[] parts) => Path.Combine([Options.DataDirectory, .. parts]);

    public ResourceLog CreateLog(string name)
    {
        var log = new ResourceLog(name, DataPath("logs"), onOutputLine);
        lock (_logs)
        {
            _logs.Add(log);
        }
        return log;
    }

    public void NotifyChanged() => Changed?.Invoke();

    public void Dispose()
    {
        HealthClient.Dispose();
        lock (_logs)
        {
            _logs.ForEach(l => l.Dispose());
        }
    }
}
