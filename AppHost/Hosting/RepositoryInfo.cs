using System.Reflection;

namespace Fleet.AppHost.Hosting;

/// <summary>Where the AppHost was built from, stamped into its assembly at build time.</summary>
internal static class RepositoryInfo
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    public static string Configuration { get; } = Metadata("Configuration");

    private static string Metadata(string key) =>
        typeof(RepositoryInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"The AppHost assembly has no '{key}' metadata.");
}
