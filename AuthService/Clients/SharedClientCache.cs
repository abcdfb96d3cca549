using Fleet.AuthService.Data;
using OpenIddict.Abstractions;
using Application = OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication<System.Guid>;

namespace Fleet.AuthService.Clients;

/// <summary>
/// OpenIddict's application cache, replaced: OpenIddict's own lives for one request, so every token request read its
/// client from authdb, and that query was the largest cost of a client_credentials token. Clients found by id are
/// shared between requests through <see cref="ClientSnapshots"/>; a change saved through the application manager takes
/// effect at once on this replica, and on another once its snapshot expires (<see cref="AuthOptions.ClientCacheLifetime"/>).
/// </summary>
public sealed class SharedClientCache(AuthDbContext db, IOpenIddictApplicationStore<Application> store, ClientSnapshots snapshots)
    : IOpenIddictApplicationCache<Application>
{
    private readonly Dictionary<string, Application> _byClientId = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, Application> _byId = [];

    public async ValueTask<Application?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken)
    {
        if (_byClientId.TryGetValue(identifier, out var known))
        {
            return known;
        }
        if (snapshots.Find(identifier) is { } copy)
        {
            return Remember(Track(copy));
        }
        var generation = snapshots.Generation;
        var application = await store.FindByClientIdAsync(identifier, cancellationToken);
        if (application is not null)
        {
            snapshots.StoreRead(application, generation);
            Remember(application);
        }
        return application;
    }

    public async ValueTask<Application?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(identifier, out var id) && _byId.TryGetValue(id, out var known))
        {
            return known;
        }
        var application = await store.FindByIdAsync(identifier, cancellationToken);
        return application is null ? null : Remember(application);
    }

    public IAsyncEnumerable<Application> FindByPostLogoutRedirectUriAsync(string uri, CancellationToken cancellationToken) =>
        store.FindByPostLogoutRedirectUriAsync(uri, cancellationToken);

    public IAsyncEnumerable<Application> FindByRedirectUriAsync(string uri, CancellationToken cancellationToken) =>
        store.FindByRedirectUriAsync(uri, cancellationToken);

    /// <summary>Called by the manager once a client is created, or updated after <see cref="RemoveAsync"/>.</summary>
    public ValueTask AddAsync(Application application, CancellationToken cancellationToken)
    {
        snapshots.Store(application);
        Remember(application);
        return ValueTask.CompletedTask;
    }

    /// <summary>Called by the manager once a client is deleted, or before it is cached again after an update.</summary>
    public ValueTask RemoveAsync(Application application, CancellationToken cancellationToken)
    {
        snapshots.Forget(application.ClientId!);
        _byClientId.Remove(application.ClientId!);
        _byId.Remove(application.Id);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A copy joins this request's DbContext as if it had been read there, so that an update or delete saves it like
    /// any read entity; if the context read this client already, that instance is the one to use.
    /// </summary>
    private Application Track(Application copy)
    {
        var set = db.Set<Application>();
        if (set.Local.FindEntry(copy.Id)?.Entity is { } tracked)
        {
            return tracked;
        }
        set.Attach(copy);
        return copy;
    }

    private Application Remember(Application application)
    {
        _byClientId[application.ClientId!] = application;
        _byId[application.Id] = application;
        return application;
    }
}
