using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fleet.EndToEnd.Support;
using Fleet.Testing;
using Xunit.Abstractions;

namespace Fleet.EndToEnd;

/// <summary>
/// Walks every operation of every service's OpenAPI document through the gateway and checks that what the
/// document says about who may call it is what happens: without a token a 401 (Bearer challenge) unless the
/// operation is anonymous; with a token lacking the operation's scope a 403; with the scope neither. The
/// documents are generated from the endpoints' authorization metadata, so a new route is covered by itself.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class AuthorizationMatrixTests(FleetSystem fleet, ITestOutputHelper output)
{
    private static readonly string[] Services = ["auth", "ingest", "files", "audit", "scheduler"];
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];
    private static readonly string[] RoutedPrefixes = ["/auth/", "/rides", "/files", "/audit", "/search", "/events", "/jobs"];

    /// <summary>Every scope a user may hold (the fleet-cli client's, docs/auth-contract.md).</summary>
    private static readonly string[] AllScopes =
        ["rides:write", "rides:read", "files:read", "files:write", "files:admin", "audit:write", "audit:read", "audit:admin", "events:read", "jobs:admin", "admin"];

    [Fact]
    public async Task Every_operation_answers_as_its_OpenAPI_security_says()
    {
        try
        {
            var gateway = fleet.Gateway;
            var tokens = new Tokens(fleet);

            // The XRides feed's machine client gets a token through the gateway and may use it.
            var xrides = await fleet.ClientTokenAsync("xrides", "rides:write rides:read");
            (await SendAsync(gateway, HttpMethod.Get, "/auth/me", xrides)).StatusCode.Should().Be(HttpStatusCode.OK);

            var failures = new List<string>();
            var checkedOperations = 0;
            foreach (var service in Services)
            {
                using var documentResponse = await SendAsync(gateway, HttpMethod.Get, $"/docs/{service}/openapi.json", null);
                var text = await documentResponse.Content.ReadAsStringAsync();
                documentResponse.StatusCode.Should().Be(HttpStatusCode.OK, $"the {service} document is served through the gateway: {text}");
                using var document = JsonDocument.Parse(text);
                if (!document.RootElement.TryGetProperty("paths", out var paths))
                {
                    continue;
                }

                foreach (var path in paths.EnumerateObject())
                {
                    if (!RoutedPrefixes.Any(prefix => path.Name.StartsWith(prefix, StringComparison.Ordinal)))
                    {
                        continue; // not reachable through the gateway
                    }

                    foreach (var method in Methods)
                    {
                        if (!path.Value.TryGetProperty(method, out var operation))
                        {
                            continue;
                        }

                        checkedOperations++;
                        var name = $"{service}: {method.ToUpperInvariant()} {path.Name}";
                        var url = FillPath(path.Name, operation);
                        await CheckAsync(gateway, tokens, name, new HttpMethod(method.ToUpperInvariant()), url, ScopesOf(operation), failures);
                    }
                }
            }

            output.WriteLine($"{checkedOperations} operations checked");
            checkedOperations.Should().BeGreaterThan(0, "AuthService at least documents its operations");
            failures.Should().BeEmpty();
        }
        catch
        {
            output.WriteLine(AppState.Describe(fleet.App));
            throw;
        }
    }

    private static async Task CheckAsync(
        HttpClient gateway, Tokens tokens, string name, HttpMethod method, string url, IReadOnlyList<string>? scopes, List<string> failures)
    {
        using (var anonymous = await SendAsync(gateway, method, url, null))
        {
            var bearerChallenge = IsBearerChallenge(anonymous);
            if (scopes is null && bearerChallenge)
            {
                failures.Add($"{name}: documented as anonymous but answered {(int)anonymous.StatusCode} with a Bearer challenge without a token");
            }
            else if (scopes is not null && !bearerChallenge)
            {
                failures.Add($"{name}: needs a token but answered {(int)anonymous.StatusCode} without one (expected 401 with WWW-Authenticate: Bearer)");
            }
        }

        if (scopes is null)
        {
            return;
        }

        var lacking = AllScopes.Except(scopes).ToList();
        if (scopes.Count > 0 && lacking.Count > 0)
        {
            using var forbidden = await SendAsync(gateway, method, url, await tokens.AdminUserAsync(lacking));
            if (forbidden.StatusCode != HttpStatusCode.Forbidden)
            {
                failures.Add($"{name}: a token without {string.Join(' ', scopes)} got {(int)forbidden.StatusCode}, expected 403");
            }
            else if (!forbidden.Headers.WwwAuthenticate.ToString().Contains("insufficient_scope", StringComparison.Ordinal))
            {
                failures.Add($"{name}: 403 without WWW-Authenticate: Bearer error=\"insufficient_scope\"");
            }
        }

        using var allowed = await SendAsync(gateway, method, url, await tokens.AdminUserAsync(scopes.Count > 0 ? scopes : AllScopes));
        if (allowed.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            failures.Add($"{name}: a token with {(scopes.Count > 0 ? string.Join(' ', scopes) : "any scope")} got {(int)allowed.StatusCode}: {await allowed.Content.ReadAsStringAsync()}");
        }
    }

    private static bool IsBearerChallenge(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Unauthorized
        && response.Headers.WwwAuthenticate.Any(h => h.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase));

    /// <summary>Null: anonymous (no security requirement). Otherwise the scopes of the bearer requirement (maybe none).</summary>
    private static IReadOnlyList<string>? ScopesOf(JsonElement operation)
    {
        if (!operation.TryGetProperty("security", out var security) || security.GetArrayLength() == 0)
        {
            return null;
        }

        foreach (var requirement in security.EnumerateArray())
        {
            if (requirement.TryGetProperty("bearer", out var scopes))
            {
                return scopes.EnumerateArray().Select(scope => scope.GetString()!).ToList();
            }
        }

        return [];
    }

    /// <summary>Path parameters get harmless values that name nothing real.</summary>
    private static string FillPath(string path, JsonElement operation)
    {
        var formats = new Dictionary<string, string>(StringComparer.Ordinal);
        if (operation.TryGetProperty("parameters", out var parameters))
        {
            foreach (var parameter in parameters.EnumerateArray())
            {
                if (parameter.GetProperty("in").GetString() == "path" && parameter.TryGetProperty("schema", out var schema))
                {
                    var type = schema.TryGetProperty("type", out var t) ? t.ToString() : "";
                    var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
                    formats[parameter.GetProperty("name").GetString()!] =
                        format == "uuid" ? "0b6f6a3c-7d1e-4c55-9a51-000000000000"
                        : type.Contains("integer", StringComparison.Ordinal) || type.Contains("number", StringComparison.Ordinal) ? "987654321"
                        : "matrix-none";
                }
            }
        }

        var result = new StringBuilder();
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '{' && path.IndexOf('}', i) is var end and > 0)
            {
                var parameter = path[(i + 1)..end].Split(':')[0].TrimStart('*');
                result.Append(formats.GetValueOrDefault(parameter, "matrix-none"));
                i = end + 1;
            }
            else
            {
                result.Append(path[i++]);
            }
        }

        return result.ToString();
    }

    /// <summary>Sends; a 429 from the gateway's rate limit is waited out (Retry-After) and retried.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient gateway, HttpMethod method, string url, string? token, HttpContent? content = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, url);
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            request.Content = content ?? (method == HttpMethod.Get || method == HttpMethod.Delete
                ? null
                : new StringContent("{}", Encoding.UTF8, "application/json"));
            var response = await gateway.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt >= 10)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait);
        }
    }

    /// <summary>The seeded admin's tokens, one per distinct scope set.</summary>
    private sealed class Tokens(FleetSystem fleet)
    {
        private readonly Dictionary<string, string> _byScopes = new(StringComparer.Ordinal);

        public async Task<string> AdminUserAsync(IEnumerable<string> scopes)
        {
            var scope = string.Join(' ', scopes.Order(StringComparer.Ordinal));
            if (!_byScopes.TryGetValue(scope, out var token))
            {
                token = await fleet.AdminTokenAsync(scope);
                _byScopes[scope] = token;
            }
            return token;
        }
    }
}
