using System.Net;
using System.Text.Json;
using Fleet.ServiceDefaultsTests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;

namespace Fleet.ServiceDefaultsTests;

public sealed class OpenApiTests
{
    [Fact]
    public async Task The_openapi_document_describes_the_service_endpoints()
    {
        var builder = TestApp.CreateBuilder();
        builder.AddServiceDefaults();
        await using var app = builder.Build();
        app.MapGet("/rides/{id}", (int id) => new { id });
        app.MapDefaultEndpoints();
        await app.StartAsync();

        var response = await app.GetTestClient().GetAsync("/openapi/v1.json");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        document.RootElement.GetProperty("openapi").GetString().Should().StartWith("3.");
        document.RootElement.GetProperty("paths").TryGetProperty("/rides/{id}", out _).Should().BeTrue();
    }
}
