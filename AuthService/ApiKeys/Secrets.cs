using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Fleet.AuthService.ApiKeys;

/// <summary>Random opaque secrets (256 bits, base64url) and their SHA-256 hashes, which is all that is stored.</summary>
public static class Secrets
{
    public static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool Matches(string secret, byte[] hash) => CryptographicOperations.FixedTimeEquals(Hash(secret), hash);

    /// <summary>Lower-case letters and digits only, so the value never contains the <c>_</c> separator of API keys.</summary>
    public static string NewId(int length) => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", length);

    /// <summary>Marks an answer that carries a secret as not to be cached (RFC 6749 §5.1 does the same for tokens).</summary>
    public static void NoStore(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
    }
}
