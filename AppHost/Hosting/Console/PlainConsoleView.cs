using Spectre.Console;

namespace Fleet.AppHost.Hosting.Console;

/// <summary>Line by line, for logs and CI: every output line prefixed with its instance, every state change on its own line.</summary>
internal sealed class PlainConsoleView : IConsoleView
{
    private readonly Dictionary<string, (ResourceState, HealthStatus, int)> _last = [];
    private readonly Lock _gate = new();

    public PlainConsoleView()
    {
        // Redirected output has no width; without this every long line would be wrapped at 80 columns.
        AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 4096);
    }

    public void Start() { }

    public void Output(string instance, string line)
    {
        lock (_gate)
        {
            AnsiConsole.MarkupLine($"[{ResourceColors.For(instance)}]{Markup.Escape(instance),-12}|[/] {Markup.Escape(line)}");
        }
    }

    public void Refresh(IReadOnlyList<ResourceSnapshot> snapshots)
    {
        lock (_gate)
        {
            foreach (var s in snapshots)
            {
                var now = (s.State, s.Health, s.Restarts);
                if (_last.TryGetValue(s.Name, out var before) && before == now)
                {
                    continue;
                }
                _last[s.Name] = now;
                var pid = s.Pid is { } p ? $" pid {p}" : "";
                var restarts = s.Restarts > 0 ? $" restarts {s.Restarts}" : "";
                AnsiConsole.MarkupLine($"[bold {ResourceColors.State(s.State, s.Health)}]{Markup.Escape(s.Name),-12}* {s.State} ({s.Health}){Markup.Escape(pid + restarts)} {Markup.Escape(s.Endpoint ?? "")}[/]");
            }
        }
    }

    public void Ready(string line)
    {
        lock (_gate)
        {
            AnsiConsole.MarkupLine($"[bold green]{Markup.Escape(line)}[/]");
        }
    }

    public void Message(string text)
    {
        lock (_gate)
        {
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(text)}[/]");
        }
    }

    public void Error(string text)
    {
        lock (_gate)
        {
            AnsiConsole.MarkupLine($"[bold red]{Markup.Escape(text)}[/]");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
