using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.AuthService.Seeding;
using Fleet.AuthServiceTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.AuthServiceTests;

/// <summary>Regression tests for the findings of the security review.</summary>
[Collection(AuthCollection.Name)]
public sealed class SecurityReviewTests(AuthFixture auth)
{
    private Task<HttpResponseMessage> PasswordAsync(string userName, string password) =>
        auth.PostFormAsync("/auth/connect/token",
            [new("grant_type", "password"), new("username", userName), new("password", password)], AuthFixture.Basic("fleet-cli", AuthFixture.CliSecret));

    private Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        auth.PostFormAsync("/auth/connect/token",
            [new("grant_type", "refresh_token"), new("refresh_token", refreshToken)], AuthFixture.Basic("fleet-cli", AuthFixture.CliSecret));

    private async Task<JsonElement> IntrospectKeyAsync(string key)
    {
        var response = await auth.PostFormAsync("/auth/connect/introspect", [new("token", key), new("token_type_hint", "api_key")],
            AuthFixture.Basic("audit", AuthFixture.AuditSecret));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<HttpClient> AdminAsync() =>
        auth.BearerClient((await auth.PasswordTokenAsync("admin", AuthFixture.AdminPassword)).GetProperty("access_token").GetString()!);

    [Fact]
    public async Task Concurrent_wrong_passwords_each_count_and_lock_the_account_for_their_source()
    {
        var (userName, password, _) = await auth.NewVerifiedUserAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, AuthFixture.MaxFailedAttempts).Select(_ => PasswordAsync(userName, "Wrong-Password-1")));

        answers.Should().OnlyContain(a => a.StatusCode == HttpStatusCode.BadRequest);
        var locked = await PasswordAsync(userName, password);
        locked.StatusCode.Should().Be(HttpStatusCode.BadRequest, "the right password does not help while locked out");
        (await locked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_description").GetString().Should().Be("Invalid username or password.");
    }

    [Fact]
    public async Task A_brute_force_lockout_keeps_existing_sessions_but_a_disabled_user_loses_them()
    {
        var (userName, password, id) = await auth.NewVerifiedUserAsync();
        var refresh = (await auth.PasswordTokenAsync(userName, password)).GetProperty("refresh_token").GetString()!;
        for (var i = 0; i < AuthFixture.MaxFailedAttempts; i++)
        {
            await PasswordAsync(userName, "Wrong-Password-1");
        }
        (await PasswordAsync(userName, password)).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var refreshed = await RefreshAsync(refresh);
        refreshed.StatusCode.Should().Be(HttpStatusCode.OK, await refreshed.Content.ReadAsStringAsync());
        var next = (await refreshed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refresh_token").GetString()!;

        await auth.SqlAsync("UPDATE auth.users SET lockout_end = '9999-12-31 23:59:59+00' WHERE id = @id", ("id", Guid.Parse(id)));
        (await RefreshAsync(next)).StatusCode.Should().Be(HttpStatusCode.BadRequest, "a disabled user's sessions end");
    }

    [Fact]
    public async Task Access_tokens_leave_no_rows_and_refresh_tokens_do()
    {
        const string RowsOf = "SELECT count(*) FROM auth.oidc_tokens t JOIN auth.oidc_applications a ON a.id = t.application_id WHERE a.client_id = @client";
        var (userName, password, _) = await auth.NewVerifiedUserAsync();
        var cliRows = await auth.ScalarAsync<long>(RowsOf, ("client", "fleet-cli"));

        for (var i = 0; i < 3; i++)
        {
            await auth.ClientTokenAsync();
        }
        await auth.PasswordTokenAsync(userName, password);

        (await auth.ScalarAsync<long>(RowsOf, ("client", "xrides"))).Should().Be(0, "an access token is a JWT checked on its own: no write per token");
        (await auth.ScalarAsync<long>(RowsOf, ("client", "fleet-cli"))).Should().Be(cliRows + 1, "the refresh token has its row, for rotation and revocation");
    }

    [Fact]
    public async Task A_revocation_racing_a_refresh_leaves_no_live_child()
    {
        var (userName, password, userId) = await auth.NewVerifiedUserAsync();
        for (var round = 0; round < 8; round++)
        {
            var first = (await auth.PasswordTokenAsync(userName, password)).GetProperty("refresh_token").GetString()!;
            var refresh = RefreshAsync(first);
            var revoke = auth.PostFormAsync("/auth/connect/revoke", [new("token", first)], AuthFixture.Basic("fleet-cli", AuthFixture.CliSecret));
            await Task.WhenAll(refresh, revoke);
            (await revoke).StatusCode.Should().Be(HttpStatusCode.OK);

            // Whichever side wins, the family ends revoked: a child the refresh won is dead too.
            var refreshed = await refresh;
            refreshed.StatusCode.Should().BeOneOf([HttpStatusCode.OK, HttpStatusCode.BadRequest], $"round {round}");
            var body = await refreshed.Content.ReadFromJsonAsync<JsonElement>();
            if (refreshed.StatusCode == HttpStatusCode.OK)
            {
                var child = body.GetProperty("refresh_token").GetString()!;
                (await RefreshAsync(child)).StatusCode.Should().Be(HttpStatusCode.BadRequest, $"round {round}: the refresh won, then the family was revoked");
            }
            else
            {
                body.GetProperty("error").GetString().Should().Be("invalid_grant", $"round {round}: the revocation won");
            }
            (await RefreshAsync(first)).StatusCode.Should().Be(HttpStatusCode.BadRequest, $"round {round}: the revoked token stays dead");
            (await auth.ScalarAsync<long>(
                """
                SELECT count(*) FROM auth.oidc_tokens t JOIN auth.oidc_authorizations a ON a.id = t.authorization_id
                WHERE t.subject = @user AND t.status = 'valid' AND a.status = 'valid'
                """, ("user", userId))).Should().Be(0, $"round {round}: no token of the sign-in is left alive");
        }
    }

    [Fact]
    public async Task A_restart_does_not_bring_back_the_seeded_secret_of_a_rotated_client()
    {
        var clientId = $"seed-{Guid.NewGuid():N}"[..20];
        var seed = new SeedOptions
        {
            Clients = { [clientId] = new SeedClient { Secret = "seeded-secret-1", GrantTypes = ["client_credentials"], Scopes = ["rides:read"] } },
        };
        var seeder = new StartupSeeder(auth.Factory.Services.GetRequiredService<IServiceScopeFactory>(), Options.Create(seed),
            TimeProvider.System, NullLogger<StartupSeeder>.Instance);
        Task<HttpResponseMessage> ClientCredentials(string secret) =>
            auth.PostFormAsync("/auth/connect/token", [new("grant_type", "client_credentials")], AuthFixture.Basic(clientId, secret));

        await seeder.StartAsync(CancellationToken.None);
        (await ClientCredentials("seeded-secret-1")).StatusCode.Should().Be(HttpStatusCode.OK);

        seed.Clients[clientId].Secret = "seeded-secret-2";
        await seeder.StartAsync(CancellationToken.None); // not rotated: configuration still wins
        (await ClientCredentials("seeded-secret-2")).StatusCode.Should().Be(HttpStatusCode.OK);

        var rotated = await (await AdminAsync()).PostAsync($"/auth/admin/clients/{clientId}/secret", null);
        rotated.StatusCode.Should().Be(HttpStatusCode.OK);
        rotated.Headers.CacheControl!.NoStore.Should().BeTrue();
        var newSecret = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientSecret").GetString()!;

        await seeder.StartAsync(CancellationToken.None); // a restart
        (await ClientCredentials("seeded-secret-2")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await ClientCredentials(newSecret)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_api_key_holds_no_more_than_its_user_may_hold_now()
    {
        var (userName, password, id) = await auth.NewVerifiedUserAsync();
        var userId = Guid.Parse(id);
        await auth.SqlAsync("INSERT INTO auth.user_roles (user_id, role_id) SELECT @id, id FROM auth.roles WHERE normalized_name = 'ADMIN'", ("id", userId));
        var user = auth.BearerClient((await auth.PasswordTokenAsync(userName, password)).GetProperty("access_token").GetString()!);

        (await user.PostAsJsonAsync("/auth/keys", new { name = "root", scopes = new[] { "admin" } })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var created = await user.PostAsJsonAsync("/auth/keys", new { name = "jobs", scopes = new[] { "rides:read", "jobs:admin" } });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        created.Headers.CacheControl!.NoStore.Should().BeTrue("the answer carries the key");
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        (await IntrospectKeyAsync(key)).GetProperty("scope").GetString().Should().Be("rides:read jobs:admin");

        await auth.SqlAsync("DELETE FROM auth.user_roles WHERE user_id = @id AND role_id = (SELECT id FROM auth.roles WHERE normalized_name = 'ADMIN')", ("id", userId));
        (await IntrospectKeyAsync(key)).GetProperty("scope").GetString().Should().Be("rides:read", "the user is no admin any more");

        await auth.SqlAsync("UPDATE auth.users SET lockout_end = now() + interval '1 hour' WHERE id = @id", ("id", userId));
        (await IntrospectKeyAsync(key)).GetProperty("active").GetBoolean().Should().BeFalse("the user is locked out");
    }

    [Fact]
    public async Task A_client_name_over_200_characters_is_a_validation_problem()
    {
        var response = await (await AdminAsync()).PostAsJsonAsync("/auth/admin/clients",
            new { clientId = $"n-{Guid.NewGuid():N}"[..20], name = new string('n', 201), grantTypes = new[] { "client_credentials" } });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().Equal("name");
    }
}
