using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.AuthServiceTests.Support;

namespace Fleet.AuthServiceTests;

[Collection(AuthCollection.Name)]
public sealed class ClientAdminTests(AuthFixture auth)
{
    private async Task<HttpClient> AdminAsync() =>
        auth.BearerClient((await auth.PasswordTokenAsync("admin", AuthFixture.AdminPassword)).GetProperty("access_token").GetString()!);

    private Task<HttpResponseMessage> ClientCredentials(string clientId, string secret) =>
        auth.PostFormAsync("/auth/connect/token", [new("grant_type", "client_credentials")], AuthFixture.Basic(clientId, secret));

    [Fact]
    public async Task The_seeded_admin_gets_every_scope()
    {
        var token = await auth.PasswordTokenAsync("admin", AuthFixture.AdminPassword);
        token.GetProperty("scope").GetString()!.Split(' ').Should().Contain(["admin", "jobs:admin", "rides:write"]);
    }

    [Fact]
    public async Task Create_list_rotate_and_disable_a_client()
    {
        var admin = await AdminAsync();
        var clientId = $"c-{Guid.NewGuid():N}"[..20];

        var created = await admin.PostAsJsonAsync("/auth/admin/clients",
            new { clientId, name = "reporting", grantTypes = new[] { "client_credentials" }, scopes = new[] { "rides:read" }, introspect = false });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        created.Headers.CacheControl!.NoStore.Should().BeTrue("the answer carries the secret");
        var secret = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientSecret").GetString()!;
        (await ClientCredentials(clientId, secret)).StatusCode.Should().Be(HttpStatusCode.OK);

        (await admin.PostAsJsonAsync("/auth/admin/clients", new { clientId, grantTypes = new[] { "client_credentials" } }))
            .StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await admin.PostAsJsonAsync("/auth/admin/clients", new { clientId = clientId.ToUpperInvariant(), grantTypes = new[] { "client_credentials" } }))
            .StatusCode.Should().Be(HttpStatusCode.Conflict, "an id that differs only in case is the same id");

        var list = await admin.GetFromJsonAsync<JsonElement>("/auth/admin/clients");
        var listed = list.EnumerateArray().Single(c => c.GetProperty("clientId").GetString() == clientId);
        listed.TryGetProperty("secretHash", out _).Should().BeFalse();
        listed.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()).Should().Equal("rides:read");
        list.EnumerateArray().Select(c => c.GetProperty("clientId").GetString()).Should().Contain(["xrides", "audit", "fleet-cli"]);

        var rotated = await admin.PostAsync($"/auth/admin/clients/{clientId}/secret", null);
        rotated.StatusCode.Should().Be(HttpStatusCode.OK);
        var newSecret = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientSecret").GetString()!;
        (await ClientCredentials(clientId, secret)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await ClientCredentials(clientId, newSecret)).StatusCode.Should().Be(HttpStatusCode.OK);

        (await admin.DeleteAsync($"/auth/admin/clients/{clientId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await ClientCredentials(clientId, newSecret)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Of_two_ids_differing_in_case_created_at_once_one_is_refused()
    {
        var admin = await AdminAsync();
        var clientId = $"c-{Guid.NewGuid():N}"[..20];

        var answers = await Task.WhenAll(new[] { clientId, clientId.ToUpperInvariant() }.Select(id =>
            admin.PostAsJsonAsync("/auth/admin/clients", new { clientId = id, grantTypes = new[] { "client_credentials" } })));

        answers.Select(a => a.StatusCode).Should().BeEquivalentTo([HttpStatusCode.Created, HttpStatusCode.Conflict]);
    }

    [Fact]
    public async Task A_client_is_read_once_and_served_from_memory_after()
    {
        var admin = await AdminAsync();
        var clientId = $"c-{Guid.NewGuid():N}"[..20];
        var created = await admin.PostAsJsonAsync("/auth/admin/clients", new { clientId, grantTypes = new[] { "client_credentials" } });
        var secret = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientSecret").GetString()!;
        (await ClientCredentials(clientId, secret)).StatusCode.Should().Be(HttpStatusCode.OK);

        // As another replica would: its snapshot here lasts Auth:ClientCacheLifetime (10 s), so this one still serves it.
        (await auth.SqlAsync("DELETE FROM auth.oidc_applications WHERE client_id = @id", ("id", clientId))).Should().Be(1);

        (await ClientCredentials(clientId, secret)).StatusCode.Should().Be(HttpStatusCode.OK,
            "the client was not read from authdb again (a change made here is seen at once: see the rotation test)");
    }

    [Fact]
    public async Task Invalid_clients_are_a_validation_problem()
    {
        var admin = await AdminAsync();
        var response = await admin.PostAsJsonAsync("/auth/admin/clients", new { clientId = "bad id!", grantTypes = new[] { "implicit" }, scopes = new[] { "root" } });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.EnumerateObject().Select(e => e.Name).Should().BeEquivalentTo("clientId", "grantTypes", "scopes");
    }

    [Fact]
    public async Task Non_admins_get_403_with_an_insufficient_scope_challenge()
    {
        var (userName, password, _) = await auth.NewVerifiedUserAsync();
        var user = auth.BearerClient((await auth.PasswordTokenAsync(userName, password)).GetProperty("access_token").GetString()!);

        var response = await user.GetAsync("/auth/admin/clients");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Headers.WwwAuthenticate.ToString().Should().Be("Bearer error=\"insufficient_scope\", scope=\"admin\"");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await auth.CreateClient().GetAsync("/auth/admin/clients")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
