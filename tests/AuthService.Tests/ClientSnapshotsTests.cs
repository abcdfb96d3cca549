using Fleet.AuthService;
using Fleet.AuthService.Clients;
using Microsoft.Extensions.Options;
using Application = OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication<System.Guid>;

namespace Fleet.AuthServiceTests;

public sealed class ClientSnapshotsTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);
    private readonly ManualTime _time = new();
    private readonly ClientSnapshots _snapshots;

    public ClientSnapshotsTests() =>
        _snapshots = new ClientSnapshots(Options.Create(new AuthOptions { ClientCacheLifetime = Lifetime }), _time);

    private static Application Client(string secret = "hash") => new() { Id = Guid.NewGuid(), ClientId = "reporting", ClientSecret = secret };

    [Fact]
    public void A_copy_has_every_column()
    {
        // An update saves a copy as it is, so a column left out would be written back empty.
        var source = new Application { Id = Guid.NewGuid() };
        var columns = typeof(Application).GetProperties().Where(p => p.CanWrite && p.PropertyType == typeof(string)).ToArray();
        foreach (var column in columns)
        {
            column.SetValue(source, $"value of {column.Name}");
        }

        var copy = ClientSnapshots.Copy(source);

        copy.Should().NotBeSameAs(source);
        copy.Id.Should().Be(source.Id);
        columns.Should().HaveCountGreaterThan(10);
        foreach (var column in columns)
        {
            column.GetValue(copy).Should().Be($"value of {column.Name}", column.Name);
        }
        typeof(Application).GetProperties().Where(p => p.CanWrite).Should().OnlyContain(p => p.PropertyType == typeof(string) || p.Name == "Id",
            "a column of another type would need copying too");
    }

    [Fact]
    public void A_client_is_served_for_its_lifetime_and_read_again_after()
    {
        _snapshots.Store(Client());

        _time.Advance(Lifetime - TimeSpan.FromMilliseconds(1));
        _snapshots.Find("reporting").Should().NotBeNull();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _snapshots.Find("reporting").Should().BeNull("another replica may have changed it since");
    }

    [Fact]
    public void Each_find_is_a_copy_of_its_own()
    {
        _snapshots.Store(Client("hash"));

        _snapshots.Find("reporting")!.ClientSecret = "changed by one request, never saved";

        _snapshots.Find("reporting")!.ClientSecret.Should().Be("hash");
    }

    [Fact]
    public void A_change_here_ends_the_snapshot_at_once()
    {
        _snapshots.Store(Client());

        _snapshots.Forget("reporting");

        _snapshots.Find("reporting").Should().BeNull();
    }

    [Fact]
    public void A_read_that_began_before_a_change_is_not_kept()
    {
        var generation = _snapshots.Generation;
        _snapshots.Forget("reporting"); // saved by another request while this one read the old row

        _snapshots.StoreRead(Client("old hash"), generation);

        _snapshots.Find("reporting").Should().BeNull();
        _snapshots.StoreRead(Client("new hash"), _snapshots.Generation);
        _snapshots.Find("reporting")!.ClientSecret.Should().Be("new hash");
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
