using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Fleet.AuthService.Tokens;

/// <summary>
/// The parameters of a token, revocation or introspection request, read strictly: an
/// <c>application/x-www-form-urlencoded</c> body, no parameter twice (RFC 6749 §3.2), bounded sizes;
/// empty parameters count as absent (§3.1).
/// </summary>
public sealed class OAuthRequest
{
    public const int MaxValueLength = 2048;
    private const int MaxBodyLength = 32 * 1024;
    private const int MaxParameters = 32;

    private readonly Dictionary<string, string> _parameters;

    private OAuthRequest(Dictionary<string, string> parameters) => _parameters = parameters;

    public string? this[string name] => _parameters.GetValueOrDefault(name);

    public bool Has(string name) => _parameters.ContainsKey(name);

    public static async Task<(OAuthRequest? Request, OAuthError? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return (null, OAuthError.InvalidRequest("The request body must be application/x-www-form-urlencoded."));
        }
        if (request.ContentLength > MaxBodyLength)
        {
            return (null, OAuthError.InvalidRequest($"The request body is larger than {MaxBodyLength} bytes."));
        }

        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form;
        try
        {
            using var reader = new FormReader(request.Body)
            {
                ValueCountLimit = MaxParameters,
                KeyLengthLimit = 256,
                ValueLengthLimit = MaxBodyLength,
            };
            form = await reader.ReadFormAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, OAuthError.InvalidRequest("The request body is not a valid form within the size limits."));
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in form)
        {
            if (values.Count > 1)
            {
                return (null, OAuthError.InvalidRequest($"The parameter '{Truncate(name)}' is repeated."));
            }
            var value = values.ToString();
            if (value.Length > MaxValueLength)
            {
                return (null, OAuthError.InvalidRequest($"The parameter '{Truncate(name)}' is longer than {MaxValueLength} characters."));
            }
            if (value.Length > 0)
            {
                parameters[name] = value;
            }
        }
        return (new OAuthRequest(parameters), null);
    }

    private static string Truncate(string name) => name.Length <= 64 ? name : name[..64] + "…";
}
