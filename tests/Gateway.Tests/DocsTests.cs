using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Fleet.Gateway.Tests;

public sealed class DocsTests
{
    [Fact]
    public async Task Serves_each_services_OpenAPI_document_pointing_Try_it_out_at_the_gateway()
    {
        await using var ingest = await TestBackend.StartAsync(app => app.MapGet("/openapi/v1.json", (HttpContext context) => Results.Json(new
        {
            openapi = "3.1.1",
            info = new { title = "Fleet.IngestService | v1", version = "1.0.0" },
            servers = new[] { new { url = $"http://{context.Request.Host}/" } },
            paths = new { },
        })));
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]> { ["ingest"] = [ClosedPort.Url(), ingest.Url] });

        var response = await gateway.Client.GetAsync("/docs/ingest/openapi.json");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();
        document.GetProperty("info").GetProperty("title").GetString().Should().Be("Fleet.IngestService | v1");
        document.TryGetProperty("servers", out _).Should().BeFalse("the replica's own address is no use to a caller of the gateway");
    }

    [Fact]
    public async Task Unknown_service_document_is_a_404_and_an_unreachable_one_a_502()
    {
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]>());

        (await gateway.Client.GetAsync("/docs/nonesuch/openapi.json")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var unreachable = await gateway.Client.GetAsync("/docs/audit/openapi.json");
        unreachable.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        unreachable.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task Swagger_UI_lists_every_service()
    {
        await using var gateway = GatewayApp.Start(new Dictionary<string, string[]>());

        var page = await gateway.Client.GetAsync("/docs"); // redirected to docs/index.html
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.Should().Be("text/html");

        var ui = await gateway.Client.GetStringAsync("/docs/index.html") + await GetStringOrEmptyAsync(gateway.Client, "/docs/index.js");
        foreach (var service in new[] { "auth", "ingest", "files", "audit", "scheduler" })
        {
            ui.Should().Contain($"{service}/openapi.json");
        }
    }

    private static async Task<string> GetStringOrEmptyAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : "";
    }
}
