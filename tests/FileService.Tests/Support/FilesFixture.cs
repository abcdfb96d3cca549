using System.Net.Http.Headers;
using Fleet.FileService.Storage;
using Fleet.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace Fleet.FileServiceTests.Support;

/// <summary>
/// Real PostgreSQL and RabbitMQ (the AppHost's local servers), a stand-in AuthService, and FileService on a TestServer
/// (keyed on LocalDiskBlobStore: AppHost also has a Program) with its contents in a throw-away folder.
/// </summary>
public sealed class FilesFixture : IAsyncLifetime
{
    public const long MaxUploadBytes = 4 * 1024 * 1024;
    private TestServers? _servers;
    private readonly TestDataDirectory _storage = new();

    public FakeAuthServer Auth { get; private set; } = null!;

    public SigningKey Key { get; private set; } = null!;

    public string FilesDb { get; private set; } = "";

    public string RabbitMQ { get; private set; } = "";

    public string StorageRoot => _storage.Path;

    public WebApplicationFactory<LocalDiskBlobStore> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _servers = await TestServers.StartAsync(redis: false, databases: "filesdb");
        FilesDb = await _servers.ConnectionStringAsync("filesdb");
        var rabbitmq = RabbitMQ = await _servers.ConnectionStringAsync("rabbitmq");
        Auth = await FakeAuthServer.StartAsync();
        Key = Auth.NewKey();
        Factory = new WebApplicationFactory<LocalDiskBlobStore>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            web.UseSetting("ConnectionStrings:filesdb", FilesDb);
            web.UseSetting("ConnectionStrings:rabbitmq", rabbitmq);
            web.UseSetting("Auth:Issuer", FakeAuthServer.Issuer);
            web.UseSetting("Auth:AuthServiceUrl", Auth.Url);
            web.UseSetting("Files:Storage:Root", StorageRoot);
            web.UseSetting("Files:Upload:MaxBytes", MaxUploadBytes.ToString());
            web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        });
        _ = Factory.Server; // start now: migrations
    }

    /// <summary>A client calling as <paramref name="subject"/> with <paramref name="scope"/>.</summary>
    public HttpClient Client(string subject, string scope = "files:read files:write")
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key.CreateToken(scope, subject));
        return client;
    }

    /// <summary>The blobs kept on disk, by hash.</summary>
    public IReadOnlyList<string> Blobs() =>
        Directory.Exists(Path.Combine(StorageRoot, "blobs"))
            ? [.. Directory.EnumerateFiles(Path.Combine(StorageRoot, "blobs"), "*", SearchOption.AllDirectories).Select(Path.GetFileName)!]
            : [];

    /// <summary>Uploads staged and not yet kept or dropped.</summary>
    public IReadOnlyList<string> Incoming() => [.. Directory.EnumerateFiles(Path.Combine(StorageRoot, "incoming"))];

    /// <summary>How many messages wait in the scanner's dead-letter queue.</summary>
    public async Task<uint> DeadLetteredAsync()
    {
        await using var connection = await new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(RabbitMQ) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(Fleet.FileService.Files.Scanning.FileQueues.Dead)).MessageCount;
    }

    public Task<T?> ScalarAsync<T>(string sql, params object[] parameters) => Sql.ScalarAsync<T>(FilesDb, sql, parameters);

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Auth.DisposeAsync();
        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
        _storage.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class FilesCollection : ICollectionFixture<FilesFixture>
{
    public const string Name = "files";
}
