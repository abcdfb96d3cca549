using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Application = OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication<System.Guid>;

namespace Fleet.AuthService.Clients;

/// <summary>
/// Clients as last read from authdb, shared by every request for <see cref="AuthOptions.ClientCacheLifetime"/>.
/// A snapshot is never handed out itself, only copies of it, so no request sees another's changes before they are saved.
/// </summary>
public sealed class ClientSnapshots(IOptions<AuthOptions> options, TimeProvider time)
{
    // Only clients that exist are kept, so this holds as many entries as authdb has clients.
    private readonly ConcurrentDictionary<string, (Application Snapshot, DateTimeOffset Expires)> _snapshots = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>Changes whenever a client is changed here: a read that began before cannot store what it read.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public Application? Find(string clientId) =>
        _snapshots.TryGetValue(clientId, out var entry) && entry.Expires > time.GetUtcNow() ? Copy(entry.Snapshot) : null;

    /// <summary>A client as it was saved here.</summary>
    public void Store(Application application) => _snapshots[application.ClientId!] = Snapshot(application);

    /// <summary>A client as read from authdb when <see cref="Generation"/> was <paramref name="generationBeforeRead"/>.</summary>
    public void StoreRead(Application application, long generationBeforeRead)
    {
        var entry = KeyValuePair.Create(application.ClientId!, Snapshot(application));
        _snapshots[entry.Key] = entry.Value;
        // A change since the read began may have been saved before this entry went in: take back exactly this entry.
        if (Generation != generationBeforeRead)
        {
            _snapshots.TryRemove(entry);
        }
    }

    public void Forget(string clientId)
    {
        Interlocked.Increment(ref _generation);
        _snapshots.TryRemove(clientId, out _);
    }

    private (Application Snapshot, DateTimeOffset Expires) Snapshot(Application application) =>
        (Copy(application), time.GetUtcNow() + options.Value.ClientCacheLifetime);

    /// <summary>Every column of the client; the navigations (its authorizations and tokens) are never loaded with it.</summary>
    public static Application Copy(Application source) => new()
    {
        Id = source.Id,
        ApplicationType = source.ApplicationType,
        ClientId = source.ClientId,
        ClientSecret = source.ClientSecret,
        ClientType = source.ClientType,
        ConcurrencyToken = source.ConcurrencyToken,
        ConsentType = source.ConsentType,
        DisplayName = source.DisplayName,
        DisplayNames = source.DisplayNames,
        JsonWebKeySet = source.JsonWebKeySet,
        Permissions = source.Permissions,
        PostLogoutRedirectUris = source.PostLogoutRedirectUris,
        Properties = source.Properties,
        RedirectUris = source.RedirectUris,
        Requirements = source.Requirements,
        Settings = source.Settings,
    };
}
