using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Fleet.SchedulerService.Jobs.Http;

/// <summary>
/// A job whose work another service does behind an HTTP route: each run calls it with the scheduler's own token for the
/// configured scope. A 2xx answer is success, and a JSON body's integer <c>processed</c> is the run's item count; any
/// other answer fails the run with its status and problem title. The call is not retried: the next tick is the retry.
/// </summary>
public sealed class HttpJob(string name, HttpJobOptions call, ServiceTokens tokens, IHttpClientFactory httpClients) : IScheduledJob
{
    public const string HttpClientName = "jobs";

    public async Task<int?> RunAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(call.Method), call.Url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(call.Scope, cancellationToken));
        request.Headers.Add("X-Fleet-Job", name);
        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            tokens.Forget(call.Scope);
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var json = JsonOrNull(body, response.Content.Headers.ContentType?.MediaType);
        if (!response.IsSuccessStatusCode)
        {
            var title = json is { ValueKind: JsonValueKind.Object } problem && problem.TryGetProperty("title", out var t) ? $": {t}" : "";
            throw new HttpJobFailedException($"{call.Method} {call.Url} answered {(int)response.StatusCode}{title}");
        }

        return json is { ValueKind: JsonValueKind.Object } answer && answer.TryGetProperty("processed", out var processed)
            && processed.TryGetInt32(out var count) ? count : null;
    }

    private static JsonElement? JsonOrNull(byte[] body, string? mediaType)
    {
        if (body.Length == 0 || mediaType is null || !mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public sealed class HttpJobFailedException(string message) : Exception(message);
