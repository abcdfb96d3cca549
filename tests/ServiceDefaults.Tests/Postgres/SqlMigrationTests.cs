using System.Security.Cryptography;
using System.Text;
using Fleet.ServiceDefaults.Postgres.Migrations;

namespace Fleet.ServiceDefaultsTests.Postgres;

public sealed class SqlMigrationTests
{
    [Fact]
    public void Loads_the_embedded_migrations_in_version_order()
    {
        var migrations = SqlMigration.LoadEmbedded(typeof(SqlMigrationTests).Assembly);

        migrations.Select(m => (m.Version, m.Name)).Should().Equal((1L, "0001_create_widgets.sql"), (2L, "0002_seed_widgets.sql"));
        migrations[1].Sql.Should().Contain("INSERT INTO widgets");
        migrations[1].Checksum.Should().Be(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(migrations[1].Sql))));
    }

    [Theory]
    [InlineData("initial.sql")]
    [InlineData("0001-initial.sql")]
    [InlineData("0001_initial.txt")]
    public void Rejects_file_names_without_a_version(string fileName)
    {
        var create = () => SqlMigration.FromFile(fileName, "SELECT 1;");

        create.Should().Throw<ArgumentException>().WithMessage("*expected '<number>_<description>.sql'*");
    }

    [Fact]
    public void Rejects_two_files_with_the_same_version()
    {
        var order = () => SqlMigration.Ordered([SqlMigration.FromFile("0001_a.sql", ""), SqlMigration.FromFile("001_b.sql", "")]);

        order.Should().Throw<InvalidOperationException>().WithMessage("*0001_a.sql and 001_b.sql share version 1*");
    }

    [Fact]
    public void The_checksum_ignores_line_endings()
    {
        SqlMigration.FromFile("0001_a.sql", "SELECT 1;\r\nSELECT 2;\r\n").Checksum
            .Should().Be(SqlMigration.FromFile("0001_a.sql", "SELECT 1;\nSELECT 2;\n").Checksum);
    }
}
