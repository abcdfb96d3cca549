using Fleet.EndToEnd.Support;
using Microsoft.Playwright;

namespace Fleet.EndToEnd;

/// <summary>The Aspire dashboard as a person sees it, in Debian's Chromium driven by Playwright.</summary>
[Collection(FleetCollection.Name)]
public sealed class DashboardTests(FleetSystem fleet)
{
    [Fact]
    public async Task The_dashboard_shows_every_resource_running_and_opens_a_trace_across_the_gateway_and_AuthService()
    {
        File.Exists(Chromium.Path).Should().BeTrue("./fleet test installs Debian's chromium");
        var traceId = await TraceTests.SendTracedRequestAsync(fleet);
        (await TraceTests.ServicesInTraceAsync(fleet, traceId, ["gateway", "auth"])).Should().Contain(["gateway", "auth"]);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        // Tall enough that the resource grid, which renders only what is on screen, shows every row.
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 2400 } });

        await page.GotoAsync(fleet.DashboardUrl.ToString());
        try
        {
            await CheckPagesAsync(page, traceId);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "fleet-dashboard-failure.png"), FullPage = true });
            Console.WriteLine(await page.ContentAsync());
            throw;
        }
    }

    private async Task CheckPagesAsync(IPage page, string traceId)
    {
        foreach (var resource in fleet.Services.Select(s => s.Name).Concat(["postgres", "rabbitmq", "redis", "authdb"]))
        {
            var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByText(resource, new() { Exact = true }) });
            await Assertions.Expect(row).ToContainTextAsync("Running", new() { Timeout = 30_000 });
        }

        await page.GotoAsync(new Uri(fleet.DashboardUrl, $"/traces/detail/{traceId}").ToString());
        // The span list names each span's resource: the gateway's own spans, and AuthService's under them.
        await Assertions.Expect(page.GetByRole(AriaRole.Gridcell, new() { Name = "gateway", Exact = true }).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Gridcell, new() { Name = "auth", Exact = true })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), $"fleet-dashboard-trace-{traceId}.png"), FullPage = true });
    }
}
