using Fleet.AppHost.Hosting.Processes;
using Npgsql;

namespace Fleet.AppHost.Hosting.Runners;

/// <summary>Runs PostgreSQL from the Debian packages: initdb on first start, then the postmaster in the foreground.</summary>
internal sealed class PostgresRunner(PostgresServerResource server, RunContext context) : ServerRunner(server, context)
{
    private const string ServiceUser = "postgres";

    // SIGINT is PostgreSQL's "fast shutdown": roll back open transactions, checkpoint, exit.
    protected override int StopSignal => Native.SIGINT;

    private static string? BinDirectory =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Where(d => File.Exists(Path.Combine(d, "bin", "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin"))
                .FirstOrDefault()
            : null;

    protected override IEnumerable<string> CheckLocalPrerequisites()
    {
        if (BinDirectory is null)
        {
            yield return "PostgreSQL server binaries are missing (no /usr/lib/postgresql/*/bin/postgres). Run: sudo apt-get install -y postgresql";
            yield break;
        }
        if (Native.IsRoot && !UserExists(ServiceUser))
        {
            yield return $"PostgreSQL refuses to run as root and there is no '{ServiceUser}' user to run it as. Run: sudo apt-get install -y postgresql";
        }
        if (LeftoverPostmaster() is { } pid)
        {
            yield return $"A PostgreSQL server (pid {pid}) is still running on {server.DataDirectory}, probably left by an AppHost that was killed. Stop it with: kill -INT {pid}";
        }
        if (Directory.Exists(server.DataDirectory) && Native.IsRoot && FileOwner(server.DataDirectory) is { } owner && owner != ServiceUser)
        {
            yield return $"The PostgreSQL data folder {server.DataDirectory} belongs to '{owner}', not '{ServiceUser}'. Run: sudo chown -R {ServiceUser}: {server.DataDirectory} (or delete it to start afresh)";
        }
    }

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(server.DataDirectory, "PG_VERSION")))
        {
            return;
        }
        Directory.CreateDirectory(server.DataDirectory);
        var passwordFile = Path.Combine(server.DataDirectory, "..", $".initdb-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(passwordFile, server.Password, cancellationToken);
        try
        {
            if (Native.IsRoot)
            {
                await ChownAsync(server.DataDirectory, cancellationToken);
                await ChownAsync(passwordFile, cancellationToken);
            }
            var initdb = new ProcessSpec(Path.Combine(BinDirectory!, "initdb"),
            [
                "-D", server.DataDirectory, "-U", PostgresServerResource.UserName, "--pwfile", passwordFile,
                "-A", "scram-sha-256", "-E", "UTF8", "--no-locale", "--no-instructions",
            ])
            { RunAsUser = ServiceUser, WorkingDirectory = server.DataDirectory };
            var exitCode = await ProcessLauncher.RunToCompletionAsync(initdb, Log, cancellationToken);
            if (exitCode != 0)
            {
                throw new DistributedApplicationException(
                    $"initdb failed with exit code {exitCode} for {server.DataDirectory}: {string.Join(" | ", Log.Tail(5))}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    protected override ProcessSpec CreateProcessSpec() => new(Path.Combine(BinDirectory!, "postgres"),
    [
        "-D", server.DataDirectory,
        "-c", "listen_addresses=127.0.0.1",
        "-c", $"port={server.Port}",
        // TCP on loopback only: no socket file to place where the postgres user may not write.
        "-c", "unix_socket_directories=",
        "-c", "max_connections=300",
        "-c", "shared_buffers=256MB",
        "-c", "logging_collector=off",
    ])
    { RunAsUser = ServiceUser, WorkingDirectory = server.DataDirectory };

    public override async Task<HealthCheck> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Timeout = 3, Pooling = false, Database = "postgres" };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheck.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheck.Unhealthy(ex.Message);
        }
    }

    /// <summary>PostgreSQL running as its own user must be able to reach the data folder through every parent.</summary>
    public static bool ServiceUserCanReach(string directory)
    {
        if (!Native.IsRoot)
        {
            return true;
        }
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            if (dir.Exists && (dir.UnixFileMode & UnixFileMode.OtherExecute) == 0 && FileOwner(dir.FullName) != ServiceUser)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The postmaster.pid file names the server that holds the data folder, while it runs.</summary>
    private int? LeftoverPostmaster()
    {
        var pidFile = Path.Combine(server.DataDirectory, "postmaster.pid");
        try
        {
            return File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid) && Native.IsAlive(pid)
                && File.ReadAllText($"/proc/{pid}/cmdline").Contains("postgres", StringComparison.Ordinal)
                ? pid
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private async Task ChownAsync(string path, CancellationToken cancellationToken)
    {
        var chown = new ProcessSpec("chown", ["-R", $"{ServiceUser}:{ServiceUser}", path]);
        if (await ProcessLauncher.RunToCompletionAsync(chown, Log, cancellationToken) != 0)
        {
            throw new DistributedApplicationException($"Could not give {path} to the '{ServiceUser}' user.");
        }
    }

    private static bool UserExists(string user) => File.ReadLines("/etc/passwd").Any(l => l.StartsWith(user + ":", StringComparison.Ordinal));

    private static string? FileOwner(string path)
    {
        var uid = new DirectoryInfo(path).Exists ? UnixOwner(path) : null;
        return uid is null ? null : File.ReadLines("/etc/passwd").Select(l => l.Split(':')).FirstOrDefault(f => f.Length > 2 && f[2] == uid)?[0] ?? uid;
    }

    private static string? UnixOwner(string path)
    {
        // .NET exposes no owner; stat(1) does.
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%u", path]) { RedirectStandardOutput = true });
        var uid = stat?.StandardOutput.ReadToEnd().Trim();
        stat?.WaitForExit();
        return string.IsNullOrEmpty(uid) ? null : uid;
    }
}
