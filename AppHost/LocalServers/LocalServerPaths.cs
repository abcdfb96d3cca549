using System.Security.Cryptography;
using System.Text;

namespace Fleet.AppHost.LocalServers;

/// <summary>Where the local servers keep their data: <c>DataDirectory</c> (default <c>.fleet/</c>), relative to the repository.</summary>
internal static class LocalServerPaths
{
    public static string DataDirectory(IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(builder.Configuration["DataDirectory"] ?? ".fleet", Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..")));

    public static string For(IDistributedApplicationBuilder builder, string resourceName) =>
        Path.Combine(DataDirectory(builder), resourceName);

    /// <summary>
    /// PostgreSQL runs as the <c>postgres</c> user, which cannot enter a checkout under a private home folder
    /// (/root, for one). Its data then lives in a folder of its own under /var/tmp, one per data folder, still kept across runs.
    /// </summary>
    public static string ForPostgres(IDistributedApplicationBuilder builder, string resourceName)
    {
        var preferred = For(builder, resourceName);
        if (SystemUsers.CanReach(SystemUsers.Postgres, DataDirectory(builder)))
        {
            return preferred;
        }
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(preferred)))[..12];
        return Path.Combine("/var/tmp", $"fleet-{resourceName}-{key}");
    }
}
