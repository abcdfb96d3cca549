using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fleet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Fleet.AuthService;
using Npgsql;

namespace Fleet.AuthServiceTests.Support;

/// <summary>
/// Real PostgreSQL, RabbitMQ and Redis started through the AppHost's testing builder, and AuthService on a
/// TestServer (the factory is keyed on AuthOptions: AppHost also has a Program) configured with their connection strings and the seeds (Development, so registration
/// answers with the verification key).
/// </summary>
public sealed class AuthFixture : IAsyncLifetime
{
    public const string AdminPassword = "Admin-Password-1";
    public const string XridesSecret = "xrides-secret-for-tests";
    public const string AuditSecret = "audit-secret-for-tests";
    public const string CliSecret = "cli-secret-for-tests";
    public const string Issuer = "http://127.0.0.1:8080/auth";
    public const int MaxFailedAttempts = 3;

    private TestServers? _infrastructure;
    private NpgsqlDataSource? _authDb;

    public WebApplicationFactory<AuthOptions> Factory { get; private set; } = null!;

    public string RabbitMqConnectionString { get; private set; } = "";

    public string AuthDbConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _infrastructure = await TestServers.StartAsync(databases: "authdb");
        AuthDbConnectionString = await _infrastructure.ConnectionStringAsync("authdb");
        _authDb = NpgsqlDataSource.Create(AuthDbConnectionString);
        RabbitMqConnectionString = await _infrastructure.ConnectionStringAsync("rabbitmq");
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:authdb"] = AuthDbConnectionString,
            ["ConnectionStrings:rabbitmq"] = RabbitMqConnectionString,
            ["ConnectionStrings:redis"] = await _infrastructure.ConnectionStringAsync("redis"),
            ["Auth:Issuer"] = Issuer,
            ["Auth:MaxFailedAccessAttempts"] = MaxFailedAttempts.ToString(),
            // Every test request comes from the one source of the loopback "gateway": no limit across accounts here.
            ["Auth:MaxFailuresPerSource"] = "100000",
            ["Auth:MaxFailuresPerAccount"] = "100000",
            ["Seed:Admin:Password"] = AdminPassword,
            ["Seed:Clients:xrides:Secret"] = XridesSecret,
            ["Seed:Clients:audit:Secret"] = AuditSecret,
            ["Seed:Clients:fleet-cli:Secret"] = CliSecret,
        };
        Factory = new WebApplicationFactory<AuthOptions>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
            web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            web.ConfigureServices(services => services.AddSingleton<IStartupFilter, FromTheGateway>());
        });
        _ = Factory.Server; // start now: migrations, seeds, first signing key
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        if (_authDb is not null)
        {
            await _authDb.DisposeAsync();
        }
        if (_infrastructure is not null)
        {
            await _infrastructure.DisposeAsync();
        }
    }

    public HttpClient CreateClient() => Factory.CreateClient();

    /// <summary>Runs a statement on authdb directly, as another replica or an operator would; returns the rows it touched.</summary>
    public async Task<int> SqlAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = AuthDbCommand(sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>The first column of the first row a query on authdb answers.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = AuthDbCommand(sql, parameters);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private NpgsqlCommand AuthDbCommand(string sql, (string Name, object Value)[] parameters)
    {
        var command = _authDb!.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return command;
    }

    public static AuthenticationHeaderValue Basic(string clientId, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));

    /// <summary>POSTs a form to the token endpoint, with Basic when <paramref name="basic"/> is given.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> form, AuthenticationHeaderValue? basic = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = basic;
        return await CreateClient().SendAsync(request);
    }

    public Task<HttpResponseMessage> TokenAsync(params (string Name, string Value)[] form) =>
        PostFormAsync("/auth/connect/token", form.Select(p => KeyValuePair.Create(p.Name, p.Value)));

    public async Task<JsonElement> PasswordTokenAsync(string userName, string password, string? scope = null)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "password"), new("username", userName), new("password", password) };
        if (scope is not null)
        {
            form.Add(new("scope", scope));
        }
        var response = await PostFormAsync("/auth/connect/token", form, Basic("fleet-cli", CliSecret));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.IsSuccessStatusCode.Should().BeTrue(body.ToString());
        return body;
    }

    public async Task<JsonElement> ClientTokenAsync(string scope = "rides:write")
    {
        var response = await PostFormAsync("/auth/connect/token",
            [new("grant_type", "client_credentials"), new("scope", scope)], Basic("xrides", XridesSecret));
        response.IsSuccessStatusCode.Should().BeTrue();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Registers and verifies a fresh user; returns its name and password.</summary>
    public async Task<(string UserName, string Password, string Id)> NewVerifiedUserAsync()
    {
        var (userName, password, id, key) = await RegisterAsync();
        var verify = await CreateClient().PostAsJsonAsync("/auth/verify", new { key });
        verify.IsSuccessStatusCode.Should().BeTrue(await verify.Content.ReadAsStringAsync());
        return (userName, password, id);
    }

    public async Task<(string UserName, string Password, string Id, string Key)> RegisterAsync()
    {
        var userName = $"u{Guid.NewGuid():N}"[..16];
        const string password = "Correct-Horse-1";
        var response = await CreateClient().PostAsJsonAsync("/auth/register", new { userName, email = $"{userName}@example.test", password });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Created, body.ToString());
        return (userName, password, body.GetProperty("id").GetString()!, body.GetProperty("verificationKey").GetString()!);
    }

    public HttpClient BearerClient(string accessToken)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }
}

/// <summary>
/// TestServer requests have no remote address; here they come from loopback, where the gateway is, so that AuthService's
/// forwarded-headers rules decide whether an X-Forwarded-For a test sends names the caller.
/// </summary>
internal sealed class FromTheGateway : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Connection.RemoteIpAddress ??= System.Net.IPAddress.Loopback;
            return nextMiddleware(context);
        });
        next(app);
    };
}

[CollectionDefinition(Name)]
public sealed class AuthCollection : ICollectionFixture<AuthFixture>
{
    public const string Name = "auth";
}
