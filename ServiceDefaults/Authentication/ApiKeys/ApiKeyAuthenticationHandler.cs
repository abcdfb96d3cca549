using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.ServiceDefaults.Authentication.ApiKeys;

/// <summary>
/// <c>X-Api-Key: fk_...</c>: the key is checked by <see cref="ApiKeyIntrospector"/> and becomes a principal of
/// the same shape as a token's (<c>sub</c>, <c>scope</c>), so policies cannot tell them apart.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyIntrospector introspector)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(FleetAuthenticationDefaults.ApiKeyHeader, out var values) || values.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (values.Count > 1 || string.IsNullOrWhiteSpace(values[0]))
        {
            return AuthenticateResult.Fail("Send exactly one X-Api-Key header.");
        }

        var key = values[0]!.Trim();
        // Only something shaped like an API key is worth a question to AuthService: an access or refresh token
        // must never pass as a key, and junk of any size must not become a call.
        if (!ApiKeyShape.Matches(key))
        {
            return AuthenticateResult.Fail("This is not a Fleet API key (fk_...).");
        }

        ApiKeyIntrospection answer;
        try
        {
            answer = await introspector.IntrospectAsync(key, Context.RequestAborted);
        }
        catch (ApiKeyIntrospectionException)
        {
            return AuthenticateResult.Fail("The API key could not be verified.");
        }

        if (!answer.Active)
        {
            return AuthenticateResult.Fail("The API key is not active.");
        }

        var claims = new List<Claim>
        {
            new(FleetClaims.Subject, answer.Subject!),
            new(FleetClaims.Scope, answer.Scope),
            new("token_type", "api_key"),
        };
        if (!string.IsNullOrEmpty(answer.ClientId))
        {
            claims.Add(new Claim(FleetClaims.ClientId, answer.ClientId));
        }

        var identity = new ClaimsIdentity(claims, Scheme.Name, FleetClaims.Subject, FleetClaims.Roles);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        await AuthProblems.WriteUnauthorizedAsync(Context, result.Failure?.Message ?? "An API key is required.", Scheme.Name);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AuthProblems.WriteForbiddenAsync(Context, [], Scheme.Name);
}
