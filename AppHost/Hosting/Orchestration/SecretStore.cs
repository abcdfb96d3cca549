using System.Security.Cryptography;
using System.Text.Json;

namespace Fleet.AppHost.Hosting;

/// <summary>Passwords generated on first run and kept, readable only by their owner, in the data folder.</summary>
internal sealed class SecretStore(string path)
{
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private readonly Dictionary<string, string> _secrets = File.Exists(path)
        ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? []
        : [];

    public string Path { get; } = path;

    public string Get(string name)
    {
        if (!_secrets.TryGetValue(name, out var value))
        {
            // Letters and digits only: safe unescaped in connection strings and URIs.
            value = RandomNumberGenerator.GetString(Alphabet, 32);
            _secrets[name] = value;
            Save();
        }
        return value;
    }

    private void Save()
    {
        File.WriteAllText(Path, JsonSerializer.Serialize(_secrets, new JsonSerializerOptions { WriteIndented = true }));
        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
