namespace Fleet.AppHost.Hosting.Testing;

/// <summary>
/// Starts the AppHost's own app model from a test, as Aspire's testing builder does: throw-away data folder,
/// free ports everywhere, nothing on the console. Dispose the app to stop everything.
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    private static readonly AsyncLocal<TestingSession?> CurrentSession = new();

    internal static TestingSession? Current => CurrentSession.Value;

    /// <summary>Runs the entry point of <typeparamref name="TEntryPoint"/>'s assembly up to <c>Run()</c> and returns the app, not yet started.</summary>
    public static async Task<DistributedApplication> CreateAsync<TEntryPoint>(
        Action<DistributedApplicationBuilder>? configure = null, params string[] args)
    {
        var session = new TestingSession(NewOptions(), configure);
        CurrentSession.Value = session;
        try
        {
            var entryPoint = typeof(TEntryPoint).Assembly.EntryPoint
                ?? throw new InvalidOperationException($"{typeof(TEntryPoint).Assembly.GetName().Name} has no entry point.");
            var result = entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [args]);
            if (result is Task task)
            {
                await task;
            }
        }
        finally
        {
            CurrentSession.Value = null;
        }
        return session.Application ?? throw new InvalidOperationException("The entry point finished without calling Run() on its app.");
    }

    /// <summary>An empty builder with the same test settings, for a model written in the test itself.</summary>
    public static DistributedApplicationBuilder Create(params string[] args) => new(args, NewOptions());

    private static DistributedApplicationOptions NewOptions() => new()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), $"fleet-test-{Guid.NewGuid():N}"[..22]),
        RandomizePorts = true,
        PersistPorts = false,
        DeleteDataDirectoryOnDispose = true,
        Console = ConsoleMode.None,
    };
}

internal sealed class TestingSession(DistributedApplicationOptions options, Action<DistributedApplicationBuilder>? configure)
{
    public DistributedApplicationOptions Options { get; } = options;

    public Action<DistributedApplicationBuilder>? Configure { get; } = configure;

    public DistributedApplication? Application { get; set; }
}
