using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Fleet.AuthService.Keys;

/// <summary>A published key: its kid, public key for validation and, for the active key, the signing credentials.</summary>
public sealed record PublishedKey(string Kid, ECParameters PublicKey, ECDsaSecurityKey ValidationKey, SigningCredentials? Signing);

/// <summary>
/// The signing keys in authdb, cached for a few seconds: the active key signs, every published key
/// (active, or superseded but within its overlap) validates and is in the JWKS.
/// </summary>
public sealed class SigningKeyStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;
    private static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, PublishedKey> _parsed = new();
    private IReadOnlyList<PublishedKey> _keys = [];
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    public async Task<IReadOnlyList<PublishedKey>> GetPublishedKeysAsync(CancellationToken cancellationToken = default)
    {
        if (time.GetUtcNow() - _loadedAt < CacheDuration)
        {
            return _keys;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (time.GetUtcNow() - _loadedAt >= CacheDuration)
            {
                _keys = await LoadAsync(cancellationToken);
                _loadedAt = time.GetUtcNow();
            }
            return _keys;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<SigningCredentials> GetSigningCredentialsAsync(CancellationToken cancellationToken = default)
    {
        var keys = await GetPublishedKeysAsync(cancellationToken);
        return keys.FirstOrDefault(k => k.Signing is not null)?.Signing
            ?? throw new InvalidOperationException("No active signing key: the key rotation service has not created one yet.");
    }

    /// <summary>Reload on next use (after a rotation here, or when a token names an unknown kid), at most every few seconds.</summary>
    public void RequestRefresh()
    {
        if (time.GetUtcNow() - _loadedAt >= MinRefreshInterval)
        {
            _loadedAt = DateTimeOffset.MinValue;
        }
    }

    internal void Invalidate() => _loadedAt = DateTimeOffset.MinValue;

    private async Task<IReadOnlyList<PublishedKey>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT id, private_key, deactivated_at IS NULL FROM auth.signing_keys
            WHERE algorithm = $1 AND (deactivated_at IS NULL OR published_until > now())
            ORDER BY created_at DESC
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Algorithm });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<PublishedKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var kid = reader.GetString(0);
            var active = reader.GetBoolean(2);
            var key = _parsed.GetOrAdd(kid, _ => Parse(kid, (byte[])reader[1]));
            keys.Add(active ? key : key with { Signing = null });
        }
        return keys;
    }

    private static PublishedKey Parse(string kid, byte[] pkcs8)
    {
        var privateKey = ECDsa.Create();
        privateKey.ImportPkcs8PrivateKey(pkcs8, out _);
        var publicParameters = privateKey.ExportParameters(includePrivateParameters: false);
        var signing = new SigningCredentials(new ECDsaSecurityKey(privateKey) { KeyId = kid }, Algorithm);
        var validation = new ECDsaSecurityKey(ECDsa.Create(publicParameters)) { KeyId = kid };
        return new PublishedKey(kid, publicParameters, validation, signing);
    }

    /// <summary>The RFC 7638 JWK thumbprint of a P-256 public key, used as its kid.</summary>
    public static string Thumbprint(ECParameters publicKey)
    {
        var json = $$"""{"crv":"P-256","kty":"EC","x":"{{Base64Url.EncodeToString(publicKey.Q.X)}}","y":"{{Base64Url.EncodeToString(publicKey.Q.Y)}}"}""";
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }
}
