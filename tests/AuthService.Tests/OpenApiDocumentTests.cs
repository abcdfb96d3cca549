using System.Text.Json;
using Fleet.AuthServiceTests.Support;

namespace Fleet.AuthServiceTests;

[Collection(AuthCollection.Name)]
public sealed class OpenApiDocumentTests(AuthFixture auth)
{
    [Theory]
    [InlineData("/auth/connect/token", "grant_type")]
    [InlineData("/auth/connect/revoke", "token")]
    [InlineData("/auth/connect/introspect", "token")]
    public async Task The_protocol_endpoints_are_documented_with_their_form(string path, string field)
    {
        using var document = JsonDocument.Parse(await auth.CreateClient().GetStringAsync("/openapi/v1.json"));

        var post = document.RootElement.GetProperty("paths").GetProperty(path).GetProperty("post");
        var form = post.GetProperty("requestBody").GetProperty("content").GetProperty("application/x-www-form-urlencoded");
        form.GetProperty("schema").GetProperty("properties").TryGetProperty(field, out _).Should().BeTrue();
        form.GetProperty("schema").GetProperty("properties").TryGetProperty("client_secret", out _).Should().BeTrue();
        post.TryGetProperty("security", out _).Should().BeFalse("the client authenticates in the request, with no bearer token");
    }
}
