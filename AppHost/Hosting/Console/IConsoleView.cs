namespace Fleet.AppHost.Hosting.Console;

/// <summary>What the AppHost shows on its console: resource states and every process's output, prefixed.</summary>
internal interface IConsoleView : IAsyncDisposable
{
    void Start();

    void Output(string instance, string line);

    void Refresh(IReadOnlyList<ResourceSnapshot> snapshots);

    void Ready(string line);

    void Message(string text);

    void Error(string text);
}

internal static class ConsoleViews
{
    public static IConsoleView Create(ConsoleMode mode) => mode switch
    {
        ConsoleMode.None => new SilentConsoleView(),
        ConsoleMode.Live => new LiveConsoleView(),
        ConsoleMode.Plain => new PlainConsoleView(),
        _ => System.Console.IsOutputRedirected || !Spectre.Console.AnsiConsole.Profile.Capabilities.Interactive
            ? new PlainConsoleView()
            : new LiveConsoleView(),
    };
}
