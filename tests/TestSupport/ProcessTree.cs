using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Testing;

/// <summary>Reads /proc: the processes an app runs, everything they started, and which are still alive.</summary>
public static class ProcessTree
{
    public const string PidProperty = "executable.pid";

    /// <summary>The process id of a resource the orchestrator runs, as its snapshot reports it.</summary>
    public static int? PidOf(DistributedApplication app, string resourceName) =>
        app.Services.GetRequiredService<ResourceNotificationService>().TryGetCurrentState(resourceName, out var state)
            ? PidOf(state.Snapshot)
            : null;

    public static int? PidOf(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == PidProperty)?.Value is { } value && int.TryParse($"{value}", out var pid) && pid > 0
            ? pid
            : null; // 0 until the process runs

    /// <summary>Every live process below <paramref name="ancestor"/> (children, grandchildren, …).</summary>
    public static IReadOnlySet<int> DescendantsOf(int ancestor)
    {
        var parents = LiveProcesses().ToDictionary(p => p.Pid, p => p.Parent);
        var found = new HashSet<int>();
        bool Below(int pid)
        {
            for (var p = pid; parents.TryGetValue(p, out var parent) && parent > 1; p = parent)
            {
                if (parent == ancestor)
                {
                    return true;
                }
            }
            return false;
        }
        foreach (var pid in parents.Keys.Where(Below))
        {
            found.Add(pid);
        }
        return found;
    }

    public static bool IsAlive(int pid) => Stat(pid) is { State: not 'Z' };

    /// <summary>The command line, for messages.</summary>
    public static string Describe(int pid) =>
        File.Exists($"/proc/{pid}/cmdline") ? $"{pid} {File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim()}" : $"{pid}";

    /// <summary>Waits up to <paramref name="timeout"/> for every listed process to end; returns those still alive.</summary>
    public static async Task<IReadOnlyList<string>> WaitForExitAsync(IEnumerable<int> pids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var alive = pids.ToList();
        while ((alive = alive.Where(IsAlive).ToList()).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        return alive.Select(Describe).ToList();
    }

    public static void Kill(int pid)
    {
        // kill(0) would signal this whole process group, test runner included.
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pid, 1);
        System.Diagnostics.Process.GetProcessById(pid).Kill();
    }

    private static IEnumerable<(int Pid, int Parent)> LiveProcesses()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { State: not 'Z' } stat)
            {
                yield return (pid, stat.Parent);
            }
        }
    }

    private static (char State, int Parent)? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[1]));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // ended while we looked
        }
    }
}
