using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.EndToEnd.Support;
using Microsoft.Playwright;

namespace Fleet.EndToEnd;

/// <summary>
/// The authorization code flow in a real browser: a person opens the gateway's API docs page, signs in through its
/// Authorize button (AuthService's sign-in page in a popup, PKCE, the public client fleet-docs), and tries a protected
/// route with the token the page got.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class DocsSignInTests(FleetSystem fleet)
{
    [Fact]
    public async Task A_person_signs_in_on_the_docs_page_and_tries_a_protected_route_with_their_own_token()
    {
        var (userName, password) = await RegisterVerifiedUserAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 2000 } });
        try
        {
            await SignInAndTryAsync(page, userName, password);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "fleet-docs-signin-failure.png"), FullPage = true });
            throw;
        }
    }

    private async Task SignInAndTryAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync(new Uri(fleet.GatewayUrl, "/docs/index.html?urls.primaryName=auth").ToString());
        await page.Locator(".auth-wrapper .authorize").ClickAsync();
        var signInScheme = page.Locator(".auth-container").Filter(new() { HasText = "signIn" });
        var popupOpened = page.WaitForPopupAsync();
        await signInScheme.Locator("button.authorize").ClickAsync(); // its accessible name is "Apply given OAuth2 credentials"
        var popup = await popupOpened;

        // AuthService's sign-in page, at the gateway's address (the browser never sees AuthService's own): a wrong password
        // is refused with the same words as any other failure.
        await popup.WaitForURLAsync(url => url.Contains("/auth/signin"));
        new Uri(popup.Url).Authority.Should().Be(fleet.GatewayUrl.Authority);
        await popup.GetByLabel("User name").FillAsync(userName);
        await popup.GetByLabel("Password").FillAsync("Wrong-Password-1");
        await popup.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(popup.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Invalid username or password.");

        await popup.GetByLabel("Password").FillAsync(password);
        var closed = new TaskCompletionSource();
        popup.Close += (_, _) => closed.TrySetResult();
        await popup.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30)); // oauth2-redirect.html hands the code back to the docs page, which trades it (with its verifier) for a token
        await Assertions.Expect(signInScheme.Locator("button", new() { HasText = "Logout" })).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.Locator(".modal-ux .close-modal").ClickAsync();

        // GET /auth/me, tried from the page: the request carries the person's token, and AuthService knows them.
        var operation = page.Locator("#operations-Users-get_auth_me");
        await operation.Locator(".opblock-summary").ClickAsync();
        await operation.Locator(".try-out__btn").ClickAsync();
        var answered = page.WaitForResponseAsync(response => response.Url.EndsWith("/auth/me", StringComparison.Ordinal));
        await operation.Locator(".execute").ClickAsync();
        var response = await answered;
        (await response.Request.HeaderValueAsync("authorization")).Should().StartWith("Bearer ");
        response.Status.Should().Be(200);
        var me = JsonDocument.Parse(await response.TextAsync()).RootElement;
        me.GetProperty("userName").GetString().Should().Be(userName);
        me.GetProperty("clientId").GetString().Should().Be("fleet-docs");

        // A redirect URI the client did not register gets an error page, and the browser goes nowhere else.
        var challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        var forged = await page.GotoAsync(new Uri(fleet.GatewayUrl,
            $"/auth/connect/authorize?client_id=fleet-docs&response_type=code&redirect_uri={Uri.EscapeDataString("http://evil.example/cb")}" +
            $"&code_challenge={challenge}&code_challenge_method=S256").ToString());
        forged!.Status.Should().Be(400);
        new Uri(page.Url).Host.Should().Be(fleet.GatewayUrl.Host);
    }

    private async Task<(string UserName, string Password)> RegisterVerifiedUserAsync()
    {
        var userName = $"docs{Guid.NewGuid():N}"[..16];
        const string password = "Correct-Horse-7";
        using var registered = await fleet.Gateway.PostAsJsonAsync("/auth/register", new { userName, email = $"{userName}@example.test", password });
        registered.StatusCode.Should().Be(HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        var key = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("verificationKey").GetString();
        (await fleet.Gateway.PostAsJsonAsync("/auth/verify", new { key })).StatusCode.Should().Be(HttpStatusCode.OK);
        return (userName, password);
    }
}
