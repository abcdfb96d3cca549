using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Net.Http.Headers;

namespace Fleet.ServiceDefaults.Requests;

/// <summary>
/// Refuses with a 400 validation problem, naming the field, a request whose path, query, form or JSON body
/// holds a NUL character (U+0000): PostgreSQL cannot store one in text, so wherever such a value reached
/// the database it became a 500. One guard for every service, ahead of routing and of the endpoints.
/// Multipart bodies are left to the endpoint, which streams them.
/// </summary>
internal sealed class NulCharacterGuard(RequestDelegate next, IProblemDetailsService problems)
{
    private const char Nul = '\0';

    // JSON carries a NUL only as this escape (a raw NUL byte is not JSON): a body without these bytes needs no parse.
    private static readonly byte[] NulEscape = @"\u0000"u8.ToArray();

    // Bodies up to this size are buffered in memory rather than in a temporary file.
    private const int BufferedInMemory = 1 << 20;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var field = request.Path.Value?.Contains(Nul) == true
            ? "path"
            : FindInPairs(request.Query.Select(pair => (pair.Key, pair.Value)))
                ?? await FindInBodyAsync(request, context.RequestAborted);

        if (field is null)
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [field] = ["A NUL character (U+0000) is not accepted."],
            })
            {
                Status = StatusCodes.Status400BadRequest,
            },
        });
    }

    private static async Task<string?> FindInBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var isForm = IsUrlEncodedForm(request.ContentType);
        if (!isForm && !request.HasJsonContentType())
        {
            return null;
        }

        request.EnableBuffering(BufferedInMemory);
        try
        {
            if (isForm)
            {
                // Read by hand: ASP.NET Core's form reader refuses %00 by throwing, which would be a 500 naming nothing.
                using var reader = new StreamReader(request.Body, leaveOpen: true);
                var form = QueryHelpers.ParseQuery(await reader.ReadToEndAsync(cancellationToken));
                return FindInPairs(form.Select(pair => (pair.Key, pair.Value)));
            }

            if (!await HoldsNulEscapeAsync(request.Body, cancellationToken))
            {
                return null;
            }
            request.Body.Position = 0;
            using var json = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            return FindInJson(json.RootElement, "");
        }
        catch (JsonException)
        {
            return null; // malformed: the endpoint answers that with its own 400
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    /// <summary>Whether the bytes <c>\u0000</c> occur anywhere (perhaps after an escaped backslash: the parse then decides).</summary>
    private static async Task<bool> HoldsNulEscapeAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            for (var kept = 0; ;)
            {
                var read = await body.ReadAsync(buffer.AsMemory(kept), cancellationToken);
                if (read == 0)
                {
                    return false;
                }
                var filled = kept + read;
                if (buffer.AsSpan(0, filled).IndexOf(NulEscape) >= 0)
                {
                    return true;
                }
                // An escape may straddle two reads.
                kept = Math.Min(NulEscape.Length - 1, filled);
                buffer.AsSpan(filled - kept, kept).CopyTo(buffer);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string? FindInPairs(IEnumerable<(string Key, Microsoft.Extensions.Primitives.StringValues Values)> pairs)
    {
        foreach (var (key, values) in pairs)
        {
            if (key.Contains(Nul) || values.Any(value => value?.Contains(Nul) == true))
            {
                return key.Replace(Nul.ToString(), "");
            }
        }
        return null;
    }

    /// <summary>The path of the first name or string holding a NUL, e.g. <c>address.street</c> or <c>scopes[1]</c>.</summary>
    private static string? FindInJson(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString()!.Contains(Nul) ? (path.Length == 0 ? "body" : path) : null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var name = property.Name.Replace(Nul.ToString(), "");
                    var propertyPath = path.Length == 0 ? name : $"{path}.{name}";
                    if (property.Name.Contains(Nul))
                    {
                        return propertyPath;
                    }
                    if (FindInJson(property.Value, propertyPath) is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindInJson(item, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    private static bool IsUrlEncodedForm(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && mediaType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Puts the guard at the start of the pipeline, just inside the problem-details handlers, unless
    /// <c>Requests:RefuseNulCharacters</c> is false: the gateway streams bodies through to services that guard themselves.
    /// </summary>
    internal sealed class StartupFilter(IConfiguration configuration) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            if (configuration.GetValue("Requests:RefuseNulCharacters", true))
            {
                app.UseMiddleware<NulCharacterGuard>();
            }
            next(app);
        };
    }
}
