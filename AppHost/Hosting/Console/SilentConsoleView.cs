namespace Fleet.AppHost.Hosting.Console;

/// <summary>For tests: output is still kept per resource in the data folder and in memory.</summary>
internal sealed class SilentConsoleView : IConsoleView
{
    public void Start() { }

    public void Output(string instance, string line) { }

    public void Refresh(IReadOnlyList<ResourceSnapshot> snapshots) { }

    public void Ready(string line) { }

    public void Message(string text) { }

    public void Error(string text) { }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
