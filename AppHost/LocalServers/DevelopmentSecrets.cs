using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fleet.AppHost.LocalServers;

public static class DevelopmentSecrets
{
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    /// <summary>
    /// A secret parameter: <c>Parameters:{name}</c> when configured, else a value generated on first run and kept in
    /// <c>secrets.json</c> in the data folder (readable by its owner only), next to the data it protects.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddGeneratedSecret(this IDistributedApplicationBuilder builder, string name)
    {
        if (builder.Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == name) is { } declared)
        {
            return builder.CreateResourceBuilder(declared);
        }
        var value = builder.Configuration[$"Parameters:{name}"] is { Length: > 0 } configured ? configured : StoredOrNew(builder, name);
        return builder.AddParameter(name, value, publishValueAsDefault: false, secret: true);
    }

    public static bool IsStored(IDistributedApplicationBuilder builder, string name) =>
        builder.Configuration[$"Parameters:{name}"] is { Length: > 0 }
        || (File.Exists(FilePath(builder)) && JsonNode.Parse(File.ReadAllText(FilePath(builder)))?[name] is not null);

    public static string FilePath(IDistributedApplicationBuilder builder) => Path.Combine(LocalServerPaths.DataDirectory(builder), "secrets.json");

    private static string StoredOrNew(IDistributedApplicationBuilder builder, string name)
    {
        var path = FilePath(builder);
        lock (Alphabet)
        {
            var secrets = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!.AsObject() : [];
            if (secrets[name]?.GetValue<string>() is { Length: > 0 } stored)
            {
                return stored;
            }
            // Letters and digits only: safe unescaped in connection strings, URIs and config files.
            var value = RandomNumberGenerator.GetString(Alphabet, 32);
            secrets[name] = value;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, secrets.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return value;
        }
    }
}
