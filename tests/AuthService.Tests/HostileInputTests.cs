using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.AuthServiceTests.Support;
using Xunit.Abstractions;

namespace Fleet.AuthServiceTests;

/// <summary>
/// Walks every operation of AuthService's OpenAPI document and sends each one NUL characters, over-long values and
/// malformed bodies in every field the document names (body, form, query, path), as the admin (so that the request
/// reaches the handler). None may be a 5xx: bad input is the caller's error. A new operation is covered by itself.
/// </summary>
[Collection(AuthCollection.Name)]
public sealed class HostileInputTests(AuthFixture auth, ITestOutputHelper output)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    public static TheoryData<string, string> Values => new()
    {
        { "nul", "a\0b" },
        { "over-long", new string('x', 5000) },
        { "non-ascii", "\u00e9\u4e2d\ud83d\ude00" },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task No_operation_answers_a_hostile_value_with_a_5xx(string kind, string value)
    {
        var failures = await WalkAsync((operation, schemaOf) => BuildRequest(operation, schemaOf, value), kind, minimum: 10);

        failures.Should().BeEmpty();
    }

    [Fact]
    public async Task No_operation_answers_a_malformed_body_with_a_5xx()
    {
        var failures = await WalkAsync((operation, _) => operation.Body is null ? null : Malformed(operation), "malformed", minimum: 3);

        failures.Should().BeEmpty();
    }

    private async Task<List<string>> WalkAsync(
        Func<Operation, Func<JsonElement, JsonElement>, HttpRequestMessage?> build, string kind, int minimum)
    {
        var admin = (await auth.PasswordTokenAsync("admin", AuthFixture.AdminPassword)).GetProperty("access_token").GetString()!;
        using var document = JsonDocument.Parse(await auth.CreateClient().GetStringAsync("/openapi/v1.json"));
        var root = document.RootElement;
        JsonElement SchemaOf(JsonElement schema) =>
            schema.TryGetProperty("$ref", out var reference)
                ? root.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1])
                : schema;

        var failures = new List<string>();
        var count = 0;
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in Methods.Where(method => path.Value.TryGetProperty(method, out _)))
            {
                var operation = new Operation(path.Name, method, path.Value.GetProperty(method));
                using var request = build(operation, SchemaOf);
                if (request is null)
                {
                    continue;
                }
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
                using var response = await auth.CreateClient().SendAsync(request);
                count++;
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"{kind}: {method.ToUpperInvariant()} {path.Name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        }
        output.WriteLine($"{count} requests ({kind})");
        count.Should().BeGreaterThanOrEqualTo(minimum, "the walk reaches AuthService's operations");
        return failures;
    }

    private static HttpRequestMessage BuildRequest(Operation operation, Func<JsonElement, JsonElement> schemaOf, string value)
    {
        var url = operation.Path;
        var query = new List<string>();
        if (operation.Element.TryGetProperty("parameters", out var parameters))
        {
            foreach (var parameter in parameters.EnumerateArray())
            {
                var name = parameter.GetProperty("name").GetString()!;
                switch (parameter.GetProperty("in").GetString())
                {
                    case "path":
                        // The server refuses a NUL in the path before any code runs (the test client throws on it).
                        url = url.Replace($"{{{name}}}", Uri.EscapeDataString(value.Replace("\0", "")));
                        break;
                    case "query":
                        query.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}");
                        break;
                }
            }
        }
        if (query.Count > 0)
        {
            url += "?" + string.Join("&", query);
        }

        var request = new HttpRequestMessage(new HttpMethod(operation.Method.ToUpperInvariant()), url);
        if (operation.Body is { } body)
        {
            foreach (var content in body.GetProperty("content").EnumerateObject())
            {
                var schema = schemaOf(content.Value.GetProperty("schema"));
                if (content.Name == "application/json")
                {
                    request.Content = JsonContent.Create(Fill(schema, schemaOf, value));
                }
                else if (content.Name == "application/x-www-form-urlencoded")
                {
                    request.Content = new FormUrlEncodedContent(PropertyNames(schema).Select(name => KeyValuePair.Create(name, value)));
                }
                break;
            }
        }
        return request;
    }

    /// <summary>An instance of <paramref name="schema"/> with <paramref name="value"/> in every string.</summary>
    private static JsonNode? Fill(JsonElement schema, Func<JsonElement, JsonElement> schemaOf, string value, int depth = 0)
    {
        schema = schemaOf(schema);
        var type = !schema.TryGetProperty("type", out var t) ? null
            : t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(e => e.GetString()).First(name => name != "null")
            : t.GetString();
        if (depth > 5)
        {
            return null;
        }
        return type switch
        {
            "object" or null when schema.TryGetProperty("properties", out var properties) => new JsonObject(properties.EnumerateObject()
                .Select(property => KeyValuePair.Create(property.Name, Fill(property.Value, schemaOf, value, depth + 1)))),
            "array" => new JsonArray(Fill(schema.GetProperty("items"), schemaOf, value, depth + 1)),
            "string" when schema.TryGetProperty("format", out var format) && format.GetString() == "date-time" => JsonValue.Create(DateTimeOffset.UtcNow.AddDays(1)),
            "string" => JsonValue.Create(value),
            "integer" or "number" => JsonValue.Create(1),
            "boolean" => JsonValue.Create(true),
            _ => JsonValue.Create(value),
        };
    }

    private static IEnumerable<string> PropertyNames(JsonElement schema) =>
        schema.TryGetProperty("properties", out var properties) ? properties.EnumerateObject().Select(p => p.Name) : [];

    private static HttpRequestMessage Malformed(Operation operation) =>
        new(new HttpMethod(operation.Method.ToUpperInvariant()), operation.Path.Replace("{", "").Replace("}", ""))
        {
            Content = new StringContent("{\"x\": [1,", Encoding.UTF8, operation.Body!.Value.GetProperty("content").EnumerateObject().First().Name),
        };

    private sealed record Operation(string Path, string Method, JsonElement Element)
    {
        public JsonElement? Body => Element.TryGetProperty("requestBody", out var body) ? body : null;
    }
}
