using Fleet.Testing;
using System.Net;
using System.Text.Json;

namespace Fleet.ServiceDefaultsTests.Authentication;

public sealed class OpenApiSecurityTests
{
    [Fact]
    public async Task The_openapi_document_lists_per_operation_who_may_call_it()
    {
        await using var auth = await FakeAuthServer.StartAsync();
        var (app, client) = await TokenValidationTests.StartServiceAsync(auth, configure: o => o.AcceptApiKeys = true);
        await using var _ = app;

        var response = await client.GetAsync("/openapi/v1.json");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        var schemes = root.GetProperty("components").GetProperty("securitySchemes");
        var paths = root.GetProperty("paths");
        schemes.GetProperty("bearer").GetProperty("type").GetString().Should().Be("http");
        schemes.GetProperty("bearer").GetProperty("scheme").GetString().Should().Be("bearer");
        schemes.GetProperty("apiKey").GetProperty("name").GetString().Should().Be("X-Api-Key");
        var signIn = schemes.GetProperty("signIn").GetProperty("flows").GetProperty("authorizationCode");
        signIn.GetProperty("authorizationUrl").GetString().Should().Be($"{FakeAuthServer.Issuer}/connect/authorize");
        signIn.GetProperty("tokenUrl").GetString().Should().Be($"{FakeAuthServer.Issuer}/connect/token");
        paths.GetProperty("/rides").GetProperty("post").GetProperty("security").EnumerateArray()
            .Single(r => r.EnumerateObject().Any(p => p.Name == "signIn")).GetProperty("signIn").EnumerateArray().Select(e => e.GetString())
            .Should().Equal(["rides:write"], "a docs page asks for the scopes of the operation it tries");

        BearerScopes(paths.GetProperty("/rides").GetProperty("post")).Should().Equal("rides:write");
        BearerScopes(paths.GetProperty("/audit/events").GetProperty("get")).Should().Equal("audit:read");
        BearerScopes(paths.GetProperty("/admin/stats").GetProperty("get")).Should().Equal("admin");
        BearerScopes(paths.GetProperty("/undeclared").GetProperty("get")).Should().BeEmpty("the fallback policy needs only an authenticated caller");
        paths.GetProperty("/public").GetProperty("get").TryGetProperty("security", out var security)
            .Should().BeFalse($"an anonymous operation has no security requirement, not {security}");
        paths.GetProperty("/rides").GetProperty("post").GetProperty("responses").TryGetProperty("403", out var forbidden).Should().BeTrue();
    }

    private static List<string?> BearerScopes(JsonElement operation)
    {
        var security = operation.GetProperty("security");
        security.GetArrayLength().Should().BeGreaterThan(0);
        return security[0].GetProperty("bearer").EnumerateArray().Select(e => e.GetString()).ToList();
    }
}
