using Aspire.Hosting.ApplicationModel;
using Fleet.AppHost.LocalServers;
using Fleet.AppHost.LocalServers.Postgres;
using Fleet.Testing;

namespace Fleet.AppHost.Tests;

public sealed class DevelopmentSecretsTests
{
    [Fact]
    public async Task A_generated_secret_is_kept_in_the_data_folder_for_its_owner_only_and_a_configured_value_wins()
    {
        using var data = new TestDataDirectory();

        var first = await ValueAsync(TestServers.CreateBuilder("--DataDirectory", data.Path).AddGeneratedSecret("client-secret").Resource);
        var again = await ValueAsync(TestServers.CreateBuilder("--DataDirectory", data.Path).AddGeneratedSecret("client-secret").Resource);
        var configured = await ValueAsync(TestServers.CreateBuilder("--DataDirectory", data.Path, "--Parameters:client-secret", "given")
            .AddGeneratedSecret("client-secret").Resource);

        first.Should().HaveLength(32).And.Be(again, "the value generated on first run is kept");
        configured.Should().Be("given");
        var file = Path.Combine(data.Path, "secrets.json");
        (await File.ReadAllTextAsync(file)).Should().Contain(first);
        File.GetUnixFileMode(file).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public void A_postgres_data_folder_owned_by_another_user_stops_start_up_saying_what_to_run()
    {
        Environment.UserName.Should().Be("root", "the test creates a folder PostgreSQL's own user does not own");
        using var data = new TestDataDirectory();
        Directory.CreateDirectory(Path.Combine(data.Path, "postgres"));
        var builder = TestServers.CreateBuilder("--DataDirectory", data.Path);

        var add = () => builder.AddPostgres("postgres");

        add.Should().Throw<Aspire.Hosting.DistributedApplicationException>()
            .Which.Message.Should().Contain("belongs to 'root'").And.Contain("chown -R postgres:");
    }

    private static async Task<string> ValueAsync(ParameterResource parameter) => await parameter.GetValueAsync(CancellationToken.None) ?? "";
}
