using Microsoft.Extensions.Logging;

namespace Fleet.AppHost.LocalServers.Postgres;

/// <summary>The Debian PostgreSQL binaries, and what it takes to run them here: checked when the model is built.</summary>
internal sealed class PostgresInstallation
{
    private readonly string _binDirectory;
    private readonly string _dataDirectory;

    private PostgresInstallation(string binDirectory, string dataDirectory)
    {
        _binDirectory = binDirectory;
        _dataDirectory = dataDirectory;
    }

    public string Postgres => Path.Combine(_binDirectory, "postgres");

    /// <summary>Finds the newest installed server, or stops start-up saying what to run.</summary>
    public static PostgresInstallation Find(string dataDirectory)
    {
        var binDirectory = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Where(d => File.Exists(Path.Combine(d, "bin", "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var version) ? version : 0)
                .Select(d => Path.Combine(d, "bin"))
                .FirstOrDefault()
            : null;
        if (binDirectory is null)
        {
            throw new DistributedApplicationException(
                "PostgreSQL server binaries are missing (no /usr/lib/postgresql/*/bin/postgres). Run: sudo apt-get install -y postgresql");
        }
        if (SystemUsers.IsRoot && !SystemUsers.Exists(SystemUsers.Postgres))
        {
            throw new DistributedApplicationException(
                $"PostgreSQL refuses to run as root and there is no '{SystemUsers.Postgres}' user to run it as. Run: sudo apt-get install -y postgresql");
        }
        if (SystemUsers.IsRoot && Directory.Exists(dataDirectory) && SystemUsers.OwnerOf(dataDirectory) is { } owner && owner != SystemUsers.Postgres)
        {
            throw new DistributedApplicationException(
                $"The PostgreSQL data folder {dataDirectory} belongs to '{owner}', not '{SystemUsers.Postgres}'. Run: sudo chown -R {SystemUsers.Postgres}: {dataDirectory} (or delete it to start afresh)");
        }
        if (LeftoverPostmaster(dataDirectory) is { } pid)
        {
            throw new DistributedApplicationException(
                $"A PostgreSQL server (pid {pid}) is still running on {dataDirectory}, probably left by an AppHost that was killed. Stop it with: kill -INT {pid}");
        }
        return new PostgresInstallation(binDirectory, dataDirectory);
    }

    /// <summary>As root, the command runs as the postgres user (PostgreSQL refuses root); otherwise as the current user.</summary>
    public IEnumerable<string> RunAsServiceUser(IEnumerable<string> command) => SystemUsers.IsRoot
        ? ["setpriv", $"--reuid={SystemUsers.Postgres}", $"--regid={SystemUsers.Postgres}", "--init-groups", "--", .. command]
        : command;

    /// <summary>initdb on first start: a superuser with <paramref name="password"/>, scram-sha-256, UTF-8.</summary>
    public async Task InitializeAsync(string password, ILogger logger, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(_dataDirectory, "PG_VERSION")))
        {
            return;
        }
        Directory.CreateDirectory(_dataDirectory);
        // initdb wants an empty folder: the password file sits beside it, for the moment initdb reads it.
        var passwordFile = Path.Combine(_dataDirectory, "..", $".initdb-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        try
        {
            if (SystemUsers.IsRoot)
            {
                await SystemUsers.RunAsync("chown", ["-R", $"{SystemUsers.Postgres}:{SystemUsers.Postgres}", _dataDirectory, passwordFile], Log, cancellationToken);
            }
            var initdb = RunAsServiceUser([Path.Combine(_binDirectory, "initdb"), "-D", _dataDirectory, "-U", PostgresServerResource.UserName,
                "--pwfile", passwordFile, "-A", "scram-sha-256", "-E", "UTF8", "--no-locale", "--no-instructions"]).ToList();
            var exitCode = await SystemUsers.RunAsync(initdb[0], initdb.Skip(1), Log, cancellationToken);
            if (exitCode != 0)
            {
                throw new DistributedApplicationException($"initdb failed with exit code {exitCode} for {_dataDirectory}; its output is in the resource's log.");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }

        void Log(string line) => logger.LogInformation("{Line}", line);
    }

    private static int? LeftoverPostmaster(string dataDirectory)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        try
        {
            return File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid)
                && File.Exists($"/proc/{pid}/cmdline") && File.ReadAllText($"/proc/{pid}/cmdline").Contains("postgres", StringComparison.Ordinal)
                ? pid
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
