using System.Runtime.InteropServices;
using Fleet.AppHost.Hosting.Console;
using Fleet.AppHost.Hosting.Runners;
using Fleet.AppHost.Hosting.Testing;

namespace Fleet.AppHost.Hosting;

/// <summary>The built app model: starts every resource, keeps it running, stops it all.</summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly DistributedApplicationBuilder _builder;
    private readonly RunContext _context;
    private readonly Orchestrator _orchestrator;
    private readonly IConsoleView _console;
    private readonly List<string> _buildProblems;

    internal DistributedApplication(DistributedApplicationBuilder builder, IReadOnlyList<IReadOnlyList<Resource>> startOrder)
    {
        _builder = builder;
        Directory.CreateDirectory(Options.DataDirectory);
        Secrets = new SecretStore(Path.Combine(Options.DataDirectory, "secrets.json"));
        _buildProblems = ResourcePlacement.Apply(builder.Resources, Options, Secrets);
        _console = ConsoleViews.Create(Options.Console);
        _context = new RunContext(Options, _console.Output);
        _context.Changed += () => _console.Refresh(Snapshots());
        _orchestrator = new Orchestrator(startOrder, RunnerFactory.CreateAll(builder.Resources, _context), _context);
    }

    public static DistributedApplicationBuilder CreateBuilder(string[] args) =>
        new(args, DistributedApplicationTestingBuilder.Current?.Options ?? new DistributedApplicationOptions());

    public DistributedApplicationOptions Options => _builder.Options;

    public IReadOnlyList<Resource> Resources => _builder.Resources;

    internal SecretStore Secrets { get; }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _console.Start();
        await _orchestrator.StartAsync(_buildProblems, cancellationToken);
    }

    public Task StopAsync() => _orchestrator.StopAsync();

    /// <summary>Starts everything, prints the ready line, and runs until Ctrl+C or SIGTERM; then stops everything.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (DistributedApplicationTestingBuilder.Current is { } session)
        {
            // Under the testing builder, the entry point only builds the model; the test starts it.
            session.Application = this;
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => { c.Cancel = true; stop.Cancel(); });
        try
        {
            var startedAt = System.Diagnostics.Stopwatch.StartNew();
            await StartAsync(stop.Token);
            _console.Ready(ReadyLine(startedAt.Elapsed));
            await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            _console.Message("Stopping...");
        }
        catch (DistributedApplicationException ex)
        {
            _console.Error(ex.Message);
            Environment.ExitCode = 1;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            _console.Message("Start-up cancelled.");
        }
        finally
        {
            await DisposeAsync();
        }
    }

    public void Run() => RunAsync().GetAwaiter().GetResult();

    private string ReadyLine(TimeSpan startUp)
    {
        var gateway = Resources.OfType<ProjectResource>().FirstOrDefault(p => p.Name == "gateway")?.Endpoints.FirstOrDefault();
        var management = Resources.OfType<RabbitMQServerResource>().FirstOrDefault()?.ManagementUri;
        return $"Fleet is ready in {startUp.TotalSeconds:0.0} s: gateway {gateway?.ToString() ?? "-"} | RabbitMQ management {management?.ToString() ?? "-"} | development credentials in {Secrets.Path}";
    }

    public string GetConnectionString(string resourceName) =>
        Resources.OfType<IResourceWithConnectionString>().FirstOrDefault(r => r.Name == resourceName)?.ConnectionString
        ?? throw new ArgumentException($"No resource named '{resourceName}' has a connection string.", nameof(resourceName));

    public Uri GetEndpoint(string resourceName, int replica = 0) =>
        Resources.OfType<IResourceWithEndpoints>().FirstOrDefault(r => r.Name == resourceName)?.Endpoints[replica]
        ?? throw new ArgumentException($"No resource named '{resourceName}' has endpoints.", nameof(resourceName));

    /// <summary>A parameter's value (for a test that needs a seeded secret).</summary>
    public string GetParameterValue(string name) =>
        Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == name)?.Value
        ?? throw new ArgumentException($"No parameter named '{name}'.", nameof(name));

    /// <summary>One snapshot per running instance (each replica of a project is one).</summary>
    public IReadOnlyList<ResourceSnapshot> Snapshots() => _orchestrator.AllRunners.Select(r => r.Snapshot()).ToList();

    /// <summary>Every process the app has started, restarts included (servers' helpers such as epmd too).</summary>
    public IReadOnlyList<int> StartedProcessIds() => _orchestrator.AllRunners.SelectMany(r => r.StartedPids).ToList();

    /// <summary>The output kept for one instance (a resource's name, or "name-i" for a replica).</summary>
    public IReadOnlyList<string> GetOutput(string instanceName, int lines = 50) =>
        _orchestrator.AllRunners.FirstOrDefault(r => r.InstanceName == instanceName)?.Log.Tail(lines) ?? [];

    public async ValueTask DisposeAsync()
    {
        await _orchestrator.StopAsync();
        await _console.DisposeAsync();
        _context.Dispose();
        if (Options.DeleteDataDirectoryOnDispose)
        {
            DeleteDataDirectory();
        }
    }

    private void DeleteDataDirectory()
    {
        foreach (var server in Resources.OfType<ServerResource>().Where(s => !s.IsExisting))
        {
            TryDelete(server.DataDirectory);
        }
        TryDelete(Options.DataDirectory);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Leftovers in a temporary folder are not worth failing a test run over.
        }
    }
}
