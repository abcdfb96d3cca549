namespace Fleet.ServiceDefaults.Authentication.ApiKeys;

/// <summary>The form of a Fleet API key (docs/auth-contract.md): <c>fk_</c>, a 12-character id, <c>_</c>, the secret.</summary>
internal static class ApiKeyShape
{
    private const int MaxLength = 128;

    public static bool Matches(string value) =>
        value.Length is > 16 and <= MaxLength
        && value.StartsWith("fk_", StringComparison.Ordinal)
        && value[15] == '_'
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
