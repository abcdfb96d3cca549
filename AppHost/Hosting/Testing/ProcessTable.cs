namespace Fleet.AppHost.Hosting.Testing;

/// <summary>Reads /proc: which processes are alive and which belong to a process group.</summary>
public static class ProcessTable
{
    public static bool IsAlive(int pid) =>
        File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].StartsWith('Z');

    public static void Kill(int pid) => System.Diagnostics.Process.GetProcessById(pid).Kill();

    /// <summary>Live processes whose process group is one of <paramref name="groupIds"/> (children and grandchildren of those leaders).</summary>
    public static IReadOnlyList<string> MembersOfGroups(IReadOnlyCollection<int> groupIds)
    {
        var members = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // After the command: state, ppid, pgrp.
                if (fields[0] != "Z" && groupIds.Contains(int.Parse(fields[2])))
                {
                    members.Add($"{pid} {stat[..(stat.LastIndexOf(')') + 1)]}");
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }
        return members;
    }
}
