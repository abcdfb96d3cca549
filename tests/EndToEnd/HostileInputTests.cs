using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.EndToEnd.Support;
using Fleet.Testing;
using Xunit.Abstractions;

namespace Fleet.EndToEnd;

/// <summary>
/// Walks every operation of every service's OpenAPI document through the gateway, as the authorization matrix does,
/// and sends each one hostile input, with a token holding every scope where the document asks for a token (so that the
/// request gets past authorization):
/// a NUL character in each path parameter, query parameter and string field of the body; an over-long value in
/// each of them; a broken JSON body and a body of the wrong content type. Bad input is the caller's error: no answer
/// may be a 5xx, and every 4xx is an RFC 9457 <c>application/problem+json</c> answer (the OAuth2 endpoints answer
/// theirs as RFC 6749 §5.2 prescribes: <c>application/json</c> with an <c>error</c> member). A new route is covered
/// by itself, once its service documents it.
/// </summary>
/// <remarks>
/// The walk must not spoil the shared system for the other tests of the collection: the admin must stay able to
/// sign in and its tokens and the seeded clients must stay valid. What could spoil it in AuthService:
/// <list type="bullet">
/// <item>the password grant of <c>POST /auth/connect/token</c> with the admin's name and a wrong password (five lock the admin out);</item>
/// <item>revoking a token (<c>POST /auth/connect/revoke</c>), an API key (<c>DELETE /auth/keys/{id}</c>) or a client
/// (<c>DELETE /auth/admin/clients/{clientId}</c>, which also ends its sessions), and rotating a client's secret
/// (<c>POST /auth/admin/clients/{clientId}/secret</c>), when the request names a real one.</item>
/// </list>
/// No operation changes a password today. Every value the walk sends is hostile or valid-looking: <see cref="Placeholder"/>,
/// a fixed value of a format or field name (a zero-ended uuid, a date in 2099, an example.invalid address, a password
/// no one has, <c>rides:read</c>, <c>client_credentials</c>) or a value a schema enumerates other than the seeded names
/// (<see cref="SeededNames"/>). The admin's token travels only in the Authorization header of operations that ask for
/// a token, and no secret travels anywhere.
/// So no request names a real user, client, key or token, and the credential-ending operations are walked too:
/// they can only ever miss.
/// </remarks>
[Collection(FleetCollection.Name)]
public sealed class HostileInputTests(FleetSystem fleet, ITestOutputHelper output)
{
    private static readonly string[] Services = ["auth", "ingest", "files", "audit", "scheduler"];
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];
    private static readonly string[] RoutedPrefixes = ["/auth/", "/rides", "/files", "/audit", "/search", "/events", "/jobs"];

    private static readonly string[] AllScopes =
        ["rides:write", "rides:read", "files:read", "files:write", "files:admin", "audit:write", "audit:read", "audit:admin", "events:read", "jobs:admin", "admin"];

    /// <summary>The value of every field that is not the one under attack: valid-looking, naming nothing that exists.</summary>
    private const string Placeholder = "hostile-walk-none";

    /// <summary>A NUL in the middle of the field's valid-looking value.</summary>
    private static readonly Func<string, string> Nul = value => value.Insert(value.Length / 2, "\0");

    /// <summary>The users and clients AuthService seeds, which the walk must never name.</summary>
    private static readonly string[] SeededNames = ["admin", "fleet-cli", "xrides"];

    /// <summary>Over-long for any field; in a body only (see <see cref="OverLongInUrl"/>).</summary>
    private const int OverLong = 100_000;

    /// <summary>
    /// Over-long for any field (names are at most a few hundred characters, OAuth parameters 2,048), yet short enough
    /// that the request line stays within Kestrel's 8 KB: a longer one is refused by the server with a bare 414 before
    /// any of Fleet's code runs, which says nothing about how the operation treats the value.
    /// </summary>
    private const int OverLongInUrl = 6_000;

    /// <summary>The field's valid-looking value, lengthened at the front (so that an e-mail address still looks like one).</summary>
    private static Func<string, string> Padded(int length) => value => new string('x', Math.Max(0, length - value.Length)) + value;

    [Fact]
    public async Task No_operation_answers_hostile_input_with_a_5xx_or_a_4xx_that_is_not_a_problem()
    {
        try
        {
            var gateway = fleet.Gateway;
            var token = await AdminTokenAsync(gateway);

            var failures = new List<string>();
            var operations = 0;
            var sent = 0;
            foreach (var service in Services)
            {
                using var documentResponse = await SendAsync(gateway, () => new HttpRequestMessage(HttpMethod.Get, $"/docs/{service}/openapi.json"));
                var text = await documentResponse.Content.ReadAsStringAsync();
                documentResponse.StatusCode.Should().Be(HttpStatusCode.OK, $"the {service} document is served through the gateway: {text}");
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                if (!root.TryGetProperty("paths", out var paths))
                {
                    continue;
                }

                foreach (var path in paths.EnumerateObject())
                {
                    if (!RoutedPrefixes.Any(prefix => path.Name.StartsWith(prefix, StringComparison.Ordinal)))
                    {
                        continue; // not reachable through the gateway
                    }

                    foreach (var method in Methods.Where(method => path.Value.TryGetProperty(method, out _)))
                    {
                        operations++;
                        var operation = new Operation(root, path.Name, method, path.Value.GetProperty(method));
                        foreach (var probe in Probes(operation))
                        {
                            sent++;
                            using var response = await SendAsync(gateway, () => probe.Build(token));
                            output.WriteLine($"{operation}: {probe.What}: {(int)response.StatusCode}");
                            if (await CheckAsync(operation, probe, response) is { } problem)
                            {
                                failures.Add($"{operation}: {probe.What}: {problem}");
                            }
                        }
                    }
                }
            }

            output.WriteLine($"{operations} operations, {sent} hostile requests");
            foreach (var failure in failures)
            {
                output.WriteLine(failure);
            }
            operations.Should().BeGreaterThan(0, "AuthService at least documents its operations");
            failures.Should().BeEmpty();
        }
        catch
        {
            output.WriteLine(AppState.Describe(fleet.App));
            throw;
        }
    }

    /// <summary>Null when the answer is acceptable for hostile input; otherwise what is wrong with it.</summary>
    private static async Task<string?> CheckAsync(Operation operation, Probe probe, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        var answer = $"answered {status} {response.Content.Headers.ContentType?.ToString() ?? "(no content type)"}: {Shorten(body)}";
        if (status >= 500)
        {
            return answer;
        }
        if (status < 400)
        {
            return null;
        }

        if (probe.NulInPath && status == 400 && body.Length == 0 && response.Headers.ConnectionClose == true)
        {
            // Kestrel refuses a NUL in the request target itself, with a bare 400 that closes the connection, before
            // any of Fleet's code runs (and so before the gateway could answer a problem): the server's HTTP-level refusal.
            return null;
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType == "application/problem+json" && IsJsonObject(body))
        {
            return null;
        }
        if (operation.IsOAuth && mediaType == "application/json" && IsJsonObject(body, out var json)
            && json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
        {
            return null; // RFC 6749 §5.2
        }
        if (operation.HasTag("Events search") && mediaType == "application/json" && IsJsonObject(body, out var envelope)
            && envelope.TryGetProperty("error", out var failure) && failure.ValueKind == JsonValueKind.Object
            && failure.TryGetProperty("code", out var code) && code.GetString() == status.ToString())
        {
            return null; // the provider-events format's own error envelope
        }
        return $"{answer} (a 4xx must be application/problem+json)";
    }

    /// <summary>The hostile requests for one operation: each field under attack in turn, every other field a placeholder.</summary>
    private static IEnumerable<Probe> Probes(Operation operation)
    {
        var parameters = operation.Parameters.ToList();
        foreach (var (name, location) in parameters.Where(p => p.In is "path" or "query"))
        {
            yield return new Probe($"NUL in {location} parameter {name}",
                token => operation.Request(token, Url(operation, parameters, name, Nul), operation.ValidBody())) { NulInPath = location == "path" };
            yield return new Probe($"{OverLongInUrl:N0} characters in {location} parameter {name}",
                token => operation.Request(token, Url(operation, parameters, name, Padded(OverLongInUrl)), operation.ValidBody()));
        }

        var url = Url(operation, parameters, null, null);
        if (operation.BodySchema is { } body)
        {
            var fields = operation.StringFields(body.Schema);
            foreach (var field in fields)
            {
                yield return new Probe($"NUL in {body.MediaType} field {field}",
                    token => operation.Request(token, url, operation.Body(body, field, Nul)));
                yield return new Probe($"{OverLong:N0} characters in {body.MediaType} field {field}",
                    token => operation.Request(token, url, operation.Body(body, field, Padded(OverLong))));
            }
        }
        else if (operation.Method is "post" or "put" or "patch")
        {
            // Nothing documented: the handler may still read a body.
            yield return new Probe("NUL in a JSON body the document does not describe",
                token => operation.Request(token, url, Json(new JsonObject { ["value"] = Nul(Placeholder) })));
            yield return new Probe("NUL in a form body the document does not describe",
                token => operation.Request(token, url, new FormUrlEncodedContent([KeyValuePair.Create("value", Nul(Placeholder))])));
        }

        if (operation.BodySchema is not null || operation.Method is "post" or "put" or "patch")
        {
            var mediaType = operation.BodySchema?.MediaType ?? "application/json";
            yield return new Probe($"broken JSON as {mediaType}",
                token => operation.Request(token, url, Raw("{\"value\": [1, \"hostile", mediaType)));
            yield return new Probe("broken JSON as application/json",
                token => operation.Request(token, url, Raw("{\"value\": [1, \"hostile", "application/json")));
            var wrong = mediaType == "application/json" ? "application/x-www-form-urlencoded" : "application/json";
            yield return new Probe($"a valid-looking {wrong} body instead of {mediaType}",
                token => operation.Request(token, url, wrong == "application/json"
                    ? Json(new JsonObject { ["value"] = Placeholder })
                    : new FormUrlEncodedContent([KeyValuePair.Create("value", Placeholder)])));
            yield return new Probe("a text/plain body",
                token => operation.Request(token, url, Raw(Placeholder, "text/plain")));
            yield return new Probe("a body with a malformed content type",
                token =>
                {
                    var content = new ByteArrayContent("{}"u8.ToArray());
                    content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=\"");
                    return operation.Request(token, url, content);
                });
        }
    }

    /// <summary>The path with its parameters filled and the query parameters appended; <paramref name="target"/> gets <paramref name="value"/>.</summary>
    private static string Url(Operation operation, List<(string Name, string In)> parameters, string? target, Func<string, string>? attack)
    {
        string ValueOf(string name) => Uri.EscapeDataString(name == target ? attack!(operation.PlaceholderFor(name)) : operation.PlaceholderFor(name));

        var url = new StringBuilder();
        var path = operation.Path;
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '{' && path.IndexOf('}', i) is var end and > 0)
            {
                url.Append(ValueOf(path[(i + 1)..end].Split(':')[0].TrimStart('*')));
                i = end + 1;
            }
            else
            {
                url.Append(path[i++]);
            }
        }

        var query = parameters.Where(p => p.In == "query").Select(p => $"{Uri.EscapeDataString(p.Name)}={ValueOf(p.Name)}").ToList();
        return query.Count == 0 ? url.ToString() : $"{url}?{string.Join('&', query)}";
    }

    /// <summary>The seeded admin through fleet-cli's password grant, with every scope a user may hold.</summary>
    private Task<string> AdminTokenAsync(HttpClient gateway) => fleet.AdminTokenAsync(string.Join(' ', AllScopes));

    /// <summary>Sends; a 429 from the gateway's rate limits is waited out (Retry-After) and sent again.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient gateway, Func<HttpRequestMessage> build)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = build();
            var response = await gateway.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt >= 20)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait);
        }
    }

    private static StringContent Json(JsonNode? node) => new(node?.ToJsonString() ?? "null", Encoding.UTF8, "application/json");

    private static ByteArrayContent Raw(string text, string mediaType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType) { CharSet = "utf-8" };
        return content;
    }

    private static bool IsJsonObject(string body) => IsJsonObject(body, out _);

    private static bool IsJsonObject(string body, out JsonElement element)
    {
        try
        {
            element = JsonDocument.Parse(body).RootElement.Clone();
            return element.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            element = default;
            return false;
        }
    }

    private static string Shorten(string text) => (text.Length <= 300 ? text : $"{text[..300]}… ({text.Length:N0} characters)").Replace("\0", "\\0");

    private sealed record Probe(string What, Func<string?, HttpRequestMessage> Build)
    {
        public bool NulInPath { get; init; }
    }

    private sealed record BodySchema(string MediaType, JsonElement Schema);

    private sealed record Operation(JsonElement Document, string Path, string Method, JsonElement Element)
    {
        /// <summary>The OAuth2 endpoints (RFC 6749, 7009, 7662), whose errors are not problem details.</summary>
        public bool IsOAuth => HasTag("OAuth2") || Path.StartsWith("/auth/connect/", StringComparison.Ordinal);

        public bool HasTag(string name) =>
            Element.TryGetProperty("tags", out var tags) && tags.EnumerateArray().Any(tag => tag.GetString() == name);

        /// <summary>
        /// Whether the document asks for a token. An anonymous operation gets none: the OAuth2 endpoints, for one, take
        /// an Authorization header as the client's credentials and would stop at it, before the fields under attack.
        /// </summary>
        public bool NeedsToken => Element.TryGetProperty("security", out var security) && security.GetArrayLength() > 0;

        public IEnumerable<(string Name, string In)> Parameters =>
            Element.TryGetProperty("parameters", out var parameters)
                ? parameters.EnumerateArray().Select(p => (p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!))
                : [];

        /// <summary>The first JSON or form body the operation documents.</summary>
        public BodySchema? BodySchema
        {
            get
            {
                if (!Element.TryGetProperty("requestBody", out var body) || !body.TryGetProperty("content", out var content))
                {
                    return null;
                }
                foreach (var mediaType in content.EnumerateObject())
                {
                    if (mediaType.Name is "application/json" or "application/x-www-form-urlencoded" || mediaType.Name.EndsWith("+json", StringComparison.Ordinal))
                    {
                        return new BodySchema(mediaType.Name,
                            mediaType.Value.TryGetProperty("schema", out var schema) ? schema : JsonDocument.Parse("{}").RootElement);
                    }
                }
                return null;
            }
        }

        /// <summary>A placeholder of the parameter's type: valid-looking, naming nothing.</summary>
        public string PlaceholderFor(string parameterName)
        {
            if (Element.TryGetProperty("parameters", out var parameters))
            {
                foreach (var parameter in parameters.EnumerateArray().Where(p => p.GetProperty("name").GetString() == parameterName))
                {
                    if (parameter.TryGetProperty("schema", out var schema))
                    {
                        return Fill(schema, parameterName, null, null, 0)?.ToJsonString().Trim('"') ?? Placeholder;
                    }
                }
            }
            return Placeholder;
        }

        public HttpContent? ValidBody() => BodySchema is { } body ? Body(body, null, null) : null;

        /// <summary>A valid-looking body of the schema, with the string field <paramref name="field"/>'s value attacked.</summary>
        public HttpContent Body(BodySchema body, string? field, Func<string, string>? attack)
        {
            var node = Fill(body.Schema, "", field, attack, 0);
            if (body.MediaType != "application/x-www-form-urlencoded")
            {
                var content = new StringContent(node?.ToJsonString() ?? "{}", Encoding.UTF8);
                content.Headers.ContentType = new MediaTypeHeaderValue(body.MediaType) { CharSet = "utf-8" };
                return content;
            }
            var pairs = node is JsonObject form
                ? form.Select(pair => KeyValuePair.Create(pair.Key, pair.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : pair.Value?.ToJsonString() ?? ""))
                : [];
            return new FormUrlEncodedContent(pairs);
        }

        /// <summary>The paths of the string fields of a body of the schema, e.g. <c>name</c> or <c>scopes[0]</c>.</summary>
        public List<string> StringFields(JsonElement schema)
        {
            var fields = new List<string>();
            Fill(schema, "", null, null, 0, fields);
            return fields;
        }

        public HttpRequestMessage Request(string? token, string url, HttpContent? content)
        {
            var request = new HttpRequestMessage(new HttpMethod(Method.ToUpperInvariant()), url) { Content = content };
            if (token is not null && NeedsToken)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            return request;
        }

        public override string ToString() => $"{Method.ToUpperInvariant()} {Path}";

        private JsonElement Resolve(JsonElement schema)
        {
            for (var i = 0; i < 10 && schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference); i++)
            {
                var target = Document;
                foreach (var segment in reference.GetString()!.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
                {
                    target = target.GetProperty(segment.Replace("~1", "/").Replace("~0", "~"));
                }
                schema = target;
            }
            return schema;
        }

        /// <summary>
        /// An instance of <paramref name="schema"/>: valid-looking values everywhere, <paramref name="attack"/>ed at <paramref name="field"/>.
        /// The string fields met on the way are added to <paramref name="fields"/>.
        /// </summary>
        private JsonNode? Fill(JsonElement schema, string path, string? field, Func<string, string>? attack, int depth, List<string>? fields = null)
        {
            schema = Resolve(schema);
            if (depth > 6 || schema.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            foreach (var combinator in new[] { "allOf", "oneOf", "anyOf" })
            {
                if (schema.TryGetProperty(combinator, out var alternatives))
                {
                    var first = alternatives.EnumerateArray().Select(Resolve)
                        .FirstOrDefault(s => !(s.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null"));
                    return first.ValueKind == JsonValueKind.Object ? Fill(first, path, field, attack, depth + 1, fields) : null;
                }
            }

            var types = !schema.TryGetProperty("type", out var type) ? []
                : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()).ToArray()
                : [type.GetString()];
            var kind = types.FirstOrDefault(t => t != "null")
                ?? (schema.TryGetProperty("properties", out _) ? "object" : schema.TryGetProperty("items", out _) ? "array" : "string");
            switch (kind)
            {
                case "object":
                    var result = new JsonObject();
                    if (schema.TryGetProperty("properties", out var properties))
                    {
                        foreach (var property in properties.EnumerateObject())
                        {
                            result[property.Name] = Fill(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", field, attack, depth + 1, fields);
                        }
                    }
                    return result;
                case "array":
                    return schema.TryGetProperty("items", out var items) ? new JsonArray(Fill(items, $"{path}[0]", field, attack, depth + 1, fields)) : new JsonArray();
                case "integer" or "number":
                    return schema.TryGetProperty("pattern", out _) && types.Contains("string") ? JsonValue.Create("1") : JsonValue.Create(1);
                case "boolean":
                    return JsonValue.Create(false);
                default:
                    var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
                    fields?.Add(path.Length == 0 ? "(the body)" : path);
                    var valid = ValidLooking(schema, format, path);
                    return JsonValue.Create(path == field || (field == "(the body)" && path.Length == 0) ? attack!(valid) : valid);
            }
        }

        /// <summary>
        /// A value the operation would likely accept, so that the attacked field is not refused for another field's sake
        /// before it reaches the code (and the database) it attacks. By format, by enumeration, else by the names Fleet's
        /// contract uses for e-mail addresses, passwords, scopes and grant types (docs/auth-contract.md).
        /// </summary>
        private static string ValidLooking(JsonElement schema, string? format, string path)
        {
            var name = path.Split('.')[^1].Split('[')[0].Replace("_", "").ToLowerInvariant();
            return format switch
            {
                "uuid" => "0b6f6a3c-7d1e-4c55-9a51-000000000000",
                "date-time" => "2099-01-01T00:00:00+00:00",
                "date" => "2099-01-01",
                "email" => "hostile-walk-none@example.invalid",
                _ when schema.TryGetProperty("enum", out var values) && values.EnumerateArray()
                        .Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)
                        .FirstOrDefault(v => !SeededNames.Contains(v, StringComparer.OrdinalIgnoreCase)) is { } enumerated
                    => enumerated,
                _ when name.Contains("email", StringComparison.Ordinal) => "hostile-walk-none@example.invalid",
                _ when name.Contains("password", StringComparison.Ordinal) => "Hostile-walk-n0ne",
                _ when name is "scope" or "scopes" => "rides:read",
                _ when name is "granttype" or "granttypes" => "client_credentials",
                _ => Placeholder,
            };
        }
    }
}
