using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fleet.AuthServiceTests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace Fleet.AuthServiceTests;

/// <summary>
/// The authorization code flow with PKCE as a browser goes through it, without the browser: the seeded public client
/// fleet-docs, the sign-in page with its antiforgery token and cookie, the code, and its exchange.
/// </summary>
[Collection(AuthCollection.Name)]
public sealed partial class AuthorizationCodeTests(AuthFixture auth)
{
    private const string ClientId = "fleet-docs";
    private const string RedirectUri = "http://127.0.0.1:8080/docs/oauth2-redirect.html";

    private HttpClient Browser() =>
        auth.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    private static string AuthorizeUrl(string challenge, string redirectUri = RedirectUri, string scope = "files:read") =>
        QueryHelpers.AddQueryString("/auth/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = ClientId,
            ["response_type"] = "code",
            ["redirect_uri"] = redirectUri,
            ["scope"] = scope,
            ["state"] = "state-1",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        });

    /// <summary>Follows the authorization request to the sign-in page and submits it; returns the answer to the form.</summary>
    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string authorizeUrl, string userName, string password)
    {
        var toSignIn = await browser.GetAsync(authorizeUrl);
        toSignIn.StatusCode.Should().Be(HttpStatusCode.Redirect);
        toSignIn.Headers.Location!.AbsolutePath.Should().Be("/auth/signin");

        var page = await browser.GetAsync(toSignIn.Headers.Location);
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Headers.CacheControl!.NoStore.Should().BeTrue();
        var html = await page.Content.ReadAsStringAsync();
        return await browser.PostAsync("/auth/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = HiddenValue(html, "__RequestVerificationToken"),
            ["returnUrl"] = HiddenValue(html, "returnUrl"),
            ["userName"] = userName,
            ["password"] = password,
        }));
    }

    /// <summary>The value of a hidden field of the sign-in form, as a browser would post it.</summary>
    internal static string HiddenValue(string html, string name) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"").Groups[1].Value);

    private async Task<string> CodeAsync(HttpClient browser, string challenge)
    {
        var (userName, password, _) = await auth.NewVerifiedUserAsync();
        var signedIn = await SignInAsync(browser, AuthorizeUrl(challenge), userName, password);
        signedIn.StatusCode.Should().Be(HttpStatusCode.Redirect, await signedIn.Content.ReadAsStringAsync());
        var back = await browser.GetAsync(signedIn.Headers.Location);
        back.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var location = back.Headers.Location!.ToString();
        location.Should().StartWith(RedirectUri + "?");
        var query = QueryHelpers.ParseQuery(new Uri(location).Query);
        query["state"].ToString().Should().Be("state-1");
        query["iss"].ToString().Should().Be(AuthFixture.Issuer, "RFC 9207: the answer names its issuer");
        return query["code"].ToString();
    }

    private Task<HttpResponseMessage> ExchangeAsync(string code, string? verifier) =>
        auth.PostFormAsync("/auth/connect/token", new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = RedirectUri,
            ["client_id"] = ClientId,
            ["code_verifier"] = verifier ?? "",
        }.Where(p => p.Value.Length > 0));

    [Fact]
    public async Task A_browser_signs_in_and_its_code_and_verifier_buy_a_token_for_a_protected_route()
    {
        var (verifier, challenge) = Pkce();
        var code = await CodeAsync(Browser(), challenge);

        var exchanged = await ExchangeAsync(code, verifier);

        var body = await exchanged.Content.ReadFromJsonAsync<JsonElement>();
        exchanged.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
        body.GetProperty("scope").GetString().Should().Be("files:read");
        body.TryGetProperty("refresh_token", out _).Should().BeFalse("the docs client may use the code flow only");
        var me = await auth.BearerClient(body.GetProperty("access_token").GetString()!).GetFromJsonAsync<JsonElement>("/auth/me");
        me.GetProperty("clientId").GetString().Should().Be(ClientId);
        me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).Should().Equal("user");

        (await ExchangeAsync(code, verifier)).StatusCode.Should().Be(HttpStatusCode.BadRequest, "a code is good for one exchange");
    }

    [Fact]
    public async Task A_missing_or_wrong_verifier_is_refused()
    {
        var (_, challenge) = Pkce();
        var code = await CodeAsync(Browser(), challenge);

        foreach (var wrong in new[] { null, Pkce().Verifier })
        {
            var refused = await ExchangeAsync(code, wrong);
            refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString().Should().BeOneOf("invalid_grant", "invalid_request");
        }
    }

    [Fact]
    public async Task A_request_without_a_code_challenge_is_refused()
    {
        var url = AuthorizeUrl("x").Replace("&code_challenge=x&code_challenge_method=S256", "");
        var answer = await Browser().GetAsync(url);
        answer.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        answer.Headers.Location.Should().BeNull("no code goes anywhere");
    }

    [Fact]
    public async Task A_redirect_uri_not_registered_exactly_is_refused_without_redirecting()
    {
        foreach (var redirectUri in new[] { "http://evil.example/docs/oauth2-redirect.html", RedirectUri + "?x=1", "http://127.0.0.1:8080/docs/" })
        {
            var answer = await Browser().GetAsync(AuthorizeUrl(Pkce().Challenge, redirectUri));
            answer.StatusCode.Should().Be(HttpStatusCode.BadRequest, redirectUri);
            answer.Headers.Location.Should().BeNull();
        }
    }

    [Fact]
    public async Task A_wrong_password_shows_the_same_error_as_an_unknown_user_and_signs_nobody_in()
    {
        var (userName, _, _) = await auth.NewVerifiedUserAsync();
        var url = AuthorizeUrl(Pkce().Challenge);
        var browser = Browser();

        var wrongPassword = await SignInAsync(browser, url, userName, "Wrong-Password-1");
        var unknownUser = await SignInAsync(Browser(), url, "nobody-" + Guid.NewGuid().ToString("N")[..8], "Wrong-Password-1");

        wrongPassword.StatusCode.Should().Be(HttpStatusCode.OK);
        unknownUser.StatusCode.Should().Be(HttpStatusCode.OK);
        ErrorOf(await wrongPassword.Content.ReadAsStringAsync()).Should().Be("Invalid username or password.")
            .And.Be(ErrorOf(await unknownUser.Content.ReadAsStringAsync()));
        (await browser.GetAsync(url)).Headers.Location!.AbsolutePath.Should().Be("/auth/signin", "no session was started");
    }

    [Fact]
    public async Task The_form_needs_its_antiforgery_token_and_sends_the_browser_nowhere_but_the_authorization_endpoint()
    {
        var (userName, password, _) = await auth.NewVerifiedUserAsync();
        var browser = Browser();
        (await browser.PostAsync("/auth/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["returnUrl"] = AuthorizeUrl(Pkce().Challenge), ["userName"] = userName, ["password"] = password,
        }))).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var page = await (await browser.GetAsync("/auth/signin?returnUrl=https%3A%2F%2Fevil.example%2F")).Content.ReadAsStringAsync();
        HiddenValue(page, "returnUrl").Should().Be("/auth/connect/authorize");
    }

    private static string ErrorOf(string html) => WebUtility.HtmlDecode(ErrorPattern().Match(html).Groups[1].Value);

    [GeneratedRegex("<p class=\"error\" role=\"alert\">([^<]*)</p>")]
    private static partial Regex ErrorPattern();
}
