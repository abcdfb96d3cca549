using System.Text;
using Fleet.AuthService.Clients;
using Fleet.AuthService.Data;
using Microsoft.EntityFrameworkCore;

namespace Fleet.AuthService.Tokens;

/// <summary>
/// RFC 6749 §2.3.1 client authentication: HTTP Basic with form-urlencoded id and secret, or
/// <c>client_id</c>/<c>client_secret</c> in the body — one method, never both. Failures with Basic (or
/// with no credentials at all) are 401 with <c>WWW-Authenticate: Basic</c>; with body credentials, 400.
/// </summary>
public sealed class ClientAuthenticator(AuthDbContext db)
{
    public async Task<(OAuthClient? Client, OAuthError? Error)> AuthenticateAsync(
        HttpRequest httpRequest, OAuthRequest request, CancellationToken cancellationToken)
    {
        string clientId, secret;
        var basic = httpRequest.Headers.Authorization.ToString();
        var usedBasic = basic.Length > 0;
        if (usedBasic)
        {
            if (!TryParseBasic(basic, out clientId, out secret))
            {
                return (null, OAuthError.InvalidClient("The Authorization header is not valid HTTP Basic client authentication.", challenge: true));
            }
            if (request.Has("client_secret") || (request["client_id"] is { } formId && formId != clientId))
            {
                return (null, OAuthError.InvalidRequest("Use exactly one client authentication method: HTTP Basic or client_id/client_secret in the body."));
            }
        }
        else
        {
            if (request["client_id"] is not { } formId)
            {
                return (null, OAuthError.InvalidClient("Client authentication is required.", challenge: true));
            }
            clientId = formId;
            secret = request["client_secret"] ?? "";
        }

        var client = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        // Hash even for an unknown client, so timing does not tell which client ids exist.
        var secretMatches = Secrets.Matches(secret, client?.SecretHash ?? new byte[32]);
        if (client is null || !secretMatches || client.DisabledAt is not null)
        {
            return (null, OAuthError.InvalidClient("Client authentication failed.", challenge: usedBasic));
        }
        return (client, null);
    }

    private static bool TryParseBasic(string header, out string clientId, out string secret)
    {
        clientId = secret = "";
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = decoded.IndexOf(':');
            if (colon <= 0)
            {
                return false;
            }
            // §2.3.1: both halves are application/x-www-form-urlencoded before being joined.
            clientId = FormDecode(decoded[..colon]);
            secret = FormDecode(decoded[(colon + 1)..]);
            return clientId.Length is > 0 and <= 64 && secret.Length <= OAuthRequest.MaxValueLength;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string FormDecode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
