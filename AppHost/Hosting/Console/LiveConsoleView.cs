using Spectre.Console;
using Spectre.Console.Rendering;

namespace Fleet.AppHost.Hosting.Console;

/// <summary>On a terminal: a table of resources that updates in place, above the latest output lines of every process.</summary>
internal sealed class LiveConsoleView : IConsoleView
{
    private const int OutputLines = 18;
    private readonly Queue<(string Instance, string Line)> _output = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private IReadOnlyList<ResourceSnapshot> _snapshots = [];
    private string? _status;
    private Task? _loop;

    public void Start()
    {
        _loop = AnsiConsole.Live(Render()).AutoClear(false).StartAsync(async live =>
        {
            while (!_stop.IsCancellationRequested)
            {
                live.UpdateTarget(Render());
                await Task.Delay(250).ConfigureAwait(false);
            }
            live.UpdateTarget(Render());
        });
    }

    public void Output(string instance, string line)
    {
        lock (_gate)
        {
            _output.Enqueue((instance, line));
            while (_output.Count > OutputLines)
            {
                _output.Dequeue();
            }
        }
    }

    public void Refresh(IReadOnlyList<ResourceSnapshot> snapshots) => _snapshots = snapshots;

    public void Ready(string line) => _status = $"[bold green]{Markup.Escape(line)}[/]";

    public void Message(string text) => _status = $"[bold]{Markup.Escape(text)}[/]";

    public void Error(string text) => _status = $"[bold red]{Markup.Escape(text)}[/]";

    private IRenderable Render()
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("Resource", "Kind", "State", "Health", "Endpoint", "PID", "Restarts");
        foreach (var s in _snapshots)
        {
            var color = ResourceColors.State(s.State, s.Health);
            table.AddRow(
                $"[{ResourceColors.For(s.Name)}]{Markup.Escape(s.Name)}[/]",
                s.Kind,
                $"[{color}]{s.State}[/]",
                $"[{color}]{s.Health}[/]",
                Markup.Escape(s.Endpoint ?? ""),
                s.Pid?.ToString() ?? "",
                s.Restarts.ToString());
        }
        List<(string Instance, string Line)> lines;
        lock (_gate)
        {
            lines = [.. _output];
        }
        var output = new Rows(lines.Select(l =>
            new Markup($"[{ResourceColors.For(l.Instance)}]{Markup.Escape(l.Instance),-12}|[/] {Markup.Escape(Truncate(l.Line))}")));
        return new Rows(
            table,
            new Markup(_status ?? "[grey]Starting... (full output of each resource in .fleet/logs/)[/]"),
            new Panel(output).Header("output").Expand());
    }

    private static string Truncate(string line)
    {
        var width = Math.Max(40, AnsiConsole.Profile.Width - 20);
        return line.Length <= width ? line : line[..width] + "…";
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_loop is not null)
        {
            await _loop;
        }
        if (_status is not null)
        {
            AnsiConsole.WriteLine();
        }
    }
}
