using Microsoft.Playwright;

namespace Fleet.EndToEnd.Support;

/// <summary>Debian's Chromium (installed by <c>./fleet test</c>), headless, driven by Playwright: no browser download.</summary>
public static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Path,
            Headless = true,
            // No sandbox as root; no background traffic to a network this machine does not have.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
}
