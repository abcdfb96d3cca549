using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Fleet.AuthService.Keys;

/// <summary>
/// Creates the first signing key at start-up (before Kestrel listens) and a new one every
/// <see cref="KeyRotationOptions.Interval"/>. The superseded key stays published for the access-token
/// lifetime plus a margin, so what it signed keeps validating. Replicas serialise on an advisory lock;
/// the unique partial index <c>signing_keys_one_active</c> is the backstop.
/// </summary>
public sealed class SigningKeyRotation(
    NpgsqlDataSource dataSource,
    SigningKeyStore store,
    IOptions<AuthOptions> options,
    TimeProvider time,
    ILogger<SigningKeyRotation> logger) : BackgroundService
{
    private const long AdvisoryLockKey = 0x46_6C_65_65_74_4B_65_79; // "FleetKey"
    private static readonly TimeSpan OverlapMargin = TimeSpan.FromMinutes(5);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RotateIfDueAsync(force: false, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.KeyRotation.CheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RotateIfDueAsync(force: false, stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "Signing key rotation failed; will try again in {Interval}", options.Value.KeyRotation.CheckInterval);
            }
        }
    }

    /// <summary>Creates a new active key when there is none, when the active one is older than the interval, or when forced.</summary>
    /// <returns>The kid of the new key, or null when nothing was due.</returns>
    public async Task<string?> RotateIfDueAsync(bool force, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var current = new NpgsqlCommand(
            "SELECT created_at FROM auth.signing_keys WHERE algorithm = $1 AND deactivated_at IS NULL", connection, transaction))
        {
            current.Parameters.Add(new NpgsqlParameter { Value = SigningKeyStore.Algorithm });
            if (await current.ExecuteScalarAsync(cancellationToken) is DateTime createdAt
                && !force && new DateTimeOffset(createdAt, TimeSpan.Zero) + settings.KeyRotation.Interval > now)
            {
                return null;
            }
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kid = SigningKeyStore.Thumbprint(key.ExportParameters(includePrivateParameters: false));
        await using (var rotate = new NpgsqlCommand(
            """
            UPDATE auth.signing_keys SET deactivated_at = @now, published_until = @published_until
            WHERE algorithm = @algorithm AND deactivated_at IS NULL;
            INSERT INTO auth.signing_keys (id, algorithm, private_key, created_at) VALUES (@kid, @algorithm, @private_key, @now);
            DELETE FROM auth.signing_keys WHERE published_until < @now - interval '1 day';
            """, connection, transaction))
        {
            rotate.Parameters.AddWithValue("algorithm", SigningKeyStore.Algorithm);
            rotate.Parameters.AddWithValue("now", now);
            rotate.Parameters.AddWithValue("published_until", now + settings.AccessTokenLifetime + OverlapMargin);
            rotate.Parameters.AddWithValue("kid", kid);
            rotate.Parameters.AddWithValue("private_key", key.ExportPkcs8PrivateKey());
            await rotate.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        store.Invalidate();
        logger.LogInformation("Signing key {Kid} is now active", kid);
        return kid;
    }
}
