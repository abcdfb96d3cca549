namespace Fleet.AuthService.ApiKeys;

/// <summary><c>fk_&lt;12 chars id&gt;_&lt;secret&gt;</c> (auth contract).</summary>
public static class ApiKeyFormat
{
    public const string Prefix = "fk_";
    public const int IdLength = 12;

    public static string Compose(string id, string secret) => $"{Prefix}{id}_{secret}";

    public static bool TryGetId(string key, out string id)
    {
        id = "";
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || key.Length <= Prefix.Length + IdLength + 1 || key[Prefix.Length + IdLength] != '_')
        {
            return false;
        }
        id = key.Substring(Prefix.Length, IdLength);
        return true;
    }
}
