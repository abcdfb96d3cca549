using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Fleet.ServiceDefaults.Postgres.Migrations;

/// <summary>
/// One numbered SQL file, e.g. <c>Migrations/0002_add_ride_index.sql</c>: version 2. Its checksum
/// (SHA-256 of the text with line endings normalised to LF) detects edits to applied files.
/// </summary>
public sealed partial record SqlMigration
{
    public SqlMigration(long version, string name, string sql)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(version);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(sql);
        Version = version;
        Name = name;
        Sql = sql;
        Checksum = ComputeChecksum(sql);
    }

    public long Version { get; }

    /// <summary>The file name, e.g. <c>0001_initial.sql</c>.</summary>
    public string Name { get; }

    public string Sql { get; }

    /// <summary>Lower-case hex SHA-256.</summary>
    public string Checksum { get; }

    /// <summary>A migration from a file named <c>{version}_{description}.sql</c>.</summary>
    public static SqlMigration FromFile(string fileName, string sql)
    {
        var match = FileNamePattern().Match(fileName);
        if (!match.Success)
        {
            throw new ArgumentException(
                $"'{fileName}' is not a migration file name; expected '<number>_<description>.sql', e.g. '0001_initial.sql'.",
                nameof(fileName));
        }

        return new SqlMigration(long.Parse(match.Groups["version"].ValueSpan), fileName, sql);
    }

    /// <summary>
    /// The <c>Migrations/*.sql</c> files embedded in <paramref name="assembly"/>
    /// (<c>&lt;EmbeddedResource Include="Migrations/*.sql" /&gt;</c>), in version order.
    /// </summary>
    public static IReadOnlyList<SqlMigration> LoadEmbedded(Assembly assembly)
    {
        var migrations = new List<SqlMigration>();
        foreach (var resourceName in assembly.GetManifestResourceNames())
        {
            // The SDK names Migrations/0001_initial.sql "<RootNamespace>.Migrations.0001_initial.sql";
            // with LogicalName="Migrations/%(Filename)%(Extension)" it stays "Migrations/0001_initial.sql".
            var folder = MigrationsFolderPattern().Match(resourceName);
            if (!folder.Success)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resourceName)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(FromFile(folder.Groups["file"].Value, reader.ReadToEnd()));
        }

        return Ordered(migrations);
    }

    /// <summary>Sorts by version and rejects two files with the same number.</summary>
    public static IReadOnlyList<SqlMigration> Ordered(IEnumerable<SqlMigration> migrations)
    {
        var ordered = migrations.OrderBy(migration => migration.Version).ToList();
        var duplicate = ordered.GroupBy(migration => migration.Version).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException(
                $"Migrations {string.Join(" and ", duplicate.Select(migration => migration.Name))} share version {duplicate.Key}.");
        }
        return ordered;
    }

    private static string ComputeChecksum(string sql)
    {
        var normalized = sql.ReplaceLineEndings("\n");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
    }

    [GeneratedRegex(@"(?:^|[./])Migrations[./](?<file>[^/]+\.sql)$", RegexOptions.IgnoreCase)]
    private static partial Regex MigrationsFolderPattern();

    [GeneratedRegex(@"^(?<version>\d{1,18})_[^/\\]+\.sql$", RegexOptions.IgnoreCase)]
    private static partial Regex FileNamePattern();
}
