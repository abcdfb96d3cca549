using System.Diagnostics;

namespace Fleet.AppHost.LocalServers;

/// <summary>The few facts about Unix users that running PostgreSQL as its own user needs.</summary>
internal static class SystemUsers
{
    public const string Postgres = "postgres";

    public static bool IsRoot => Environment.UserName == "root";

    public static bool Exists(string user) =>
        File.ReadLines("/etc/passwd").Any(line => line.StartsWith(user + ":", StringComparison.Ordinal));

    /// <summary>A folder is reachable when every existing ancestor lets the user through (others may enter, or the user owns it).</summary>
    public static bool CanReach(string user, string directory)
    {
        if (!IsRoot)
        {
            return true;
        }
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            if (dir.Exists && (dir.UnixFileMode & UnixFileMode.OtherExecute) == 0 && OwnerOf(dir.FullName) != user)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The name of the user owning a file or folder (.NET exposes no owner; stat(1) does).</summary>
    public static string? OwnerOf(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%U", path]) { RedirectStandardOutput = true, RedirectStandardError = true });
        var owner = stat?.StandardOutput.ReadToEnd().Trim();
        stat?.WaitForExit();
        return stat?.ExitCode == 0 && !string.IsNullOrEmpty(owner) ? owner : null;
    }

    /// <summary>Runs a command to its end, its output going to <paramref name="log"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string fileName, IEnumerable<string> arguments, Action<string> log, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode;
    }
}
