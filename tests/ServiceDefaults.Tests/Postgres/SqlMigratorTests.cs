using System.Security.Cryptography;
using System.Text;
using Fleet.ServiceDefaults.Postgres.Migrations;
using Fleet.ServiceDefaultsTests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Fleet.ServiceDefaultsTests.Postgres;

[Collection(InfrastructureCollection.Name)]
public sealed class SqlMigratorTests(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    private static readonly SqlMigration CreateItems = SqlMigration.FromFile(
        "0001_create_items.sql", "CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL);");

    private static readonly SqlMigration SeedItems = SqlMigration.FromFile(
        "0002_seed_items.sql", "INSERT INTO items VALUES (1, 'first');");

    private static readonly SqlMigration AddItemIndex = SqlMigration.FromFile(
        "0003_index_items.sql", "CREATE INDEX items_label ON items (label);");

    private TestDatabase _database = null!;
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(infrastructure);
        _dataSource = _database.CreateDataSource();
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Applies_pending_migrations_in_version_order_and_records_each()
    {
        var applied = await Migrator().MigrateAsync([SeedItems, CreateItems]);

        applied.Select(m => m.Name).Should().Equal("0001_create_items.sql", "0002_seed_items.sql");
        (await _database.ScalarAsync<string>("SELECT label FROM items WHERE id = 1")).Should().Be("first");

        var recorded = await HistoryAsync();
        recorded.Should().HaveCount(2);
        recorded[0].Should().Be((1L, "0001_create_items.sql", Sha256(CreateItems.Sql)));
        recorded[1].Should().Be((2L, "0002_seed_items.sql", Sha256(SeedItems.Sql)));
        (await _database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations WHERE applied_at > now() - interval '1 minute'"))
            .Should().Be(2);
    }

    [Fact]
    public async Task Running_again_is_a_no_op_and_later_migrations_apply_on_their_own()
    {
        await Migrator().MigrateAsync([CreateItems, SeedItems]);

        (await Migrator().MigrateAsync([CreateItems, SeedItems])).Should().BeEmpty();
        (await _database.ScalarAsync<long>("SELECT count(*) FROM items")).Should().Be(1, "the seed ran once");

        var applied = await Migrator().MigrateAsync([CreateItems, SeedItems, AddItemIndex]);
        applied.Should().ContainSingle().Which.Version.Should().Be(3);
        (await HistoryAsync()).Select(row => row.Version).Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task A_changed_applied_migration_fails_clearly_before_anything_else_is_applied()
    {
        await Migrator().MigrateAsync([CreateItems]);
        var edited = SqlMigration.FromFile(CreateItems.Name, CreateItems.Sql.Replace("label text", "label varchar(20)"));

        var migrate = () => Migrator().MigrateAsync([edited, SeedItems]);

        (await migrate.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage("Migration 0001_create_items.sql was changed after it was applied*must never be edited*");
        (await HistoryAsync()).Should().ContainSingle("0002 must not run against a schema that differs from the files");
    }

    [Fact]
    public async Task A_failing_migration_is_rolled_back_and_not_recorded()
    {
        var broken = SqlMigration.FromFile("0002_broken.sql", "CREATE TABLE half_done (id int); SELECT 1 / 0;");

        var migrate = () => Migrator().MigrateAsync([CreateItems, broken]);

        (await migrate.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage("Migration 0002_broken.sql failed*division by zero*");
        (await HistoryAsync()).Select(row => row.Version).Should().Equal(1);
        (await _database.ScalarAsync<string>("SELECT to_regclass('half_done')::text")).Should().BeNull();
    }

    [Fact]
    public async Task Concurrent_migrators_apply_each_file_exactly_once()
    {
        // The first file sleeps so that every migrator is started while it runs.
        var slowCreate = SqlMigration.FromFile("0001_create_items.sql", CreateItems.Sql + " SELECT pg_sleep(0.5);");
        var migrations = new[] { slowCreate, SeedItems, AddItemIndex };

        // Each migrator has its own data source, as each replica has.
        var replicas = Enumerable.Range(0, 4).Select(_ => _database.CreateDataSource()).ToList();
        try
        {
            var results = await Task.WhenAll(replicas.Select(dataSource =>
                Task.Run(() => new SqlMigrator(dataSource, NullLogger<SqlMigrator>.Instance).MigrateAsync(migrations))));

            results.Sum(applied => applied.Count).Should().Be(3);
            results.Should().ContainSingle(applied => applied.Count == 3, "one replica migrates, the others wait and find nothing left");
            (await _database.ScalarAsync<long>("SELECT count(*) FROM items")).Should().Be(1);
            (await HistoryAsync()).Select(row => row.Version).Should().Equal(1, 2, 3);
        }
        finally
        {
            foreach (var dataSource in replicas)
            {
                await dataSource.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task The_lock_is_released_after_a_run()
    {
        await Migrator().MigrateAsync([CreateItems]);

        (await _database.ScalarAsync<bool>($"SELECT pg_try_advisory_lock({SqlMigrator.AdvisoryLockKey})")).Should().BeTrue();
    }

    private SqlMigrator Migrator() => new(_dataSource, NullLogger<SqlMigrator>.Instance);

    private async Task<List<(long Version, string Name, string Checksum)>> HistoryAsync()
    {
        await using var command = _dataSource.CreateCommand("SELECT version, name, checksum FROM schema_migrations ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(long, string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }
        return rows;
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
