using Fleet.AuthServiceTests.Support;

namespace Fleet.AuthServiceTests;

/// <summary>What the EF Core migration creates in authdb, beyond what the model alone would say.</summary>
[Collection(AuthCollection.Name)]
public sealed class SchemaTests(AuthFixture fixture)
{
    [Theory]
    [InlineData("signing_keys_one_active", "CREATE UNIQUE INDEX signing_keys_one_active ON auth.signing_keys USING btree (algorithm) WHERE (deactivated_at IS NULL)")]
    [InlineData("users_normalized_email_key", "CREATE UNIQUE INDEX users_normalized_email_key ON auth.users USING btree (normalized_email)")]
    [InlineData("users_normalized_user_name_key", "CREATE UNIQUE INDEX users_normalized_user_name_key ON auth.users USING btree (normalized_user_name)")]
    [InlineData("oidc_applications_client_id_key", "CREATE UNIQUE INDEX oidc_applications_client_id_key ON auth.oidc_applications USING btree (client_id)")]
    [InlineData("oidc_applications_client_id_lower_key", "CREATE UNIQUE INDEX oidc_applications_client_id_lower_key ON auth.oidc_applications USING btree (lower((client_id)::text))")]
    [InlineData("oidc_tokens_reference_id_key", "CREATE UNIQUE INDEX oidc_tokens_reference_id_key ON auth.oidc_tokens USING btree (reference_id)")]
    public async Task Indexes_are_as_designed(string name, string definition)
    {
        (await fixture.ScalarAsync<string>($"SELECT indexdef FROM pg_indexes WHERE schemaname = 'auth' AND indexname = '{name}'"))
            .Should().Be(definition);
    }

    [Theory]
    [InlineData("api_keys_user_id_fkey")]
    [InlineData("user_roles_user_id_fkey")]
    [InlineData("user_roles_role_id_fkey")]
    public async Task Rows_of_a_deleted_user_go_with_it(string constraint)
    {
        (await fixture.ScalarAsync<string>(
            $"SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = '{constraint}' AND connamespace = 'auth'::regnamespace"))
            .Should().EndWith("ON DELETE CASCADE");
    }

    [Fact]
    public async Task The_two_roles_of_the_contract_exist_and_the_history_is_kept_in_the_schema()
    {
        (await fixture.ScalarAsync<string>("SELECT string_agg(name, ',' ORDER BY name) FROM auth.roles")).Should().Be("admin,user");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM auth.\"__EFMigrationsHistory\"")).Should().BeGreaterThan(0);
    }
}
