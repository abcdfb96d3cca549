using System.Diagnostics;

namespace Fleet.AppHost.Hosting.Processes;

/// <summary>
/// Starts processes in a session of their own (setsid), so that a Ctrl+C on the terminal reaches only the
/// AppHost, which then stops everything in order, and so that a whole process tree can be signalled at once.
/// </summary>
internal static class ProcessLauncher
{
    public static Process Start(ProcessSpec spec, ResourceLog log)
    {
        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        if (spec.RunAsUser is { } user && Native.IsRoot)
        {
            // setpriv replaces itself with the program, so the PID we hold stays the program's own.
            foreach (var argument in new[] { "setpriv", $"--reuid={user}", $"--regid={user}", "--init-groups", "--" })
            {
                info.ArgumentList.Add(argument);
            }
        }
        info.ArgumentList.Add(spec.FileName);
        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in spec.Environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Write(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Write(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs a set-up command (initdb, ...) to the end; its output goes to the resource's log.</summary>
    public static async Task<int> RunToCompletionAsync(ProcessSpec spec, ResourceLog log, CancellationToken cancellationToken)
    {
        using var process = Start(spec, log);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Native.SignalGroup(process.Id, Native.SIGKILL);
            throw;
        }
        return process.ExitCode;
    }
}
