using System.Net.Http.Headers;
using System.Text.Json;
using Fleet.AuditService.Events.Storage;
using Fleet.AuditServiceTests.Support;
using Fleet.ServiceDefaults.Audit;
using Fleet.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.AuditServiceTests;

/// <summary>Servers of its own: AuditService must not have run on them yet.</summary>
public sealed class EmitterTests
{
    [Fact]
    public async Task Events_a_service_records_before_AuditService_ever_ran_are_stored_once_it_starts()
    {
        await using var servers = await TestServers.StartAsync(redis: false, databases: "auditdb");
        var rabbitmq = await servers.ConnectionStringAsync("rabbitmq");
        var marker = Guid.NewGuid().ToString("N");

        var emitter = Host.CreateApplicationBuilder();
        emitter.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:rabbitmq"] = rabbitmq });
        emitter.Logging.ClearProviders();
        emitter.AddRabbitMQClient("rabbitmq");
        emitter.AddAuditLog("emitter");
        using (var host = emitter.Build())
        {
            await host.StartAsync();
            var log = host.Services.GetRequiredService<AuditLog>();
            for (var i = 0; i < 50; i++)
            {
                log.Record("data", "thing.done", "success", "user", $"user-{marker}", details: new Dictionary<string, object?> { ["n"] = i });
            }
            // Every one is in the queue, with nothing bound to fleet.audit but what the emitter declared.
            var broker = host.Services.GetRequiredService<RabbitMQ.Client.IConnection>();
            uint queued = 0;
            for (var attempt = 0; attempt < 300 && queued < 50; attempt++, await Task.Delay(100))
            {
                try
                {
                    await using var channel = await broker.CreateChannelAsync();
                    queued = (await channel.QueueDeclarePassiveAsync(AuditQueues.Events)).MessageCount;
                }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
                {
                    // not declared yet
                }
            }
            queued.Should().Be(50);
            await host.StopAsync();
        }

        var auditDb = await servers.ConnectionStringAsync("auditdb");
        await using var auth = await FakeAuthServer.StartAsync();
        var key = auth.NewKey();
        await using var service = new WebApplicationFactory<AuditEventWriter>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:auditdb", auditDb);
            web.UseSetting("ConnectionStrings:rabbitmq", rabbitmq);
            web.UseSetting("Auth:Issuer", FakeAuthServer.Issuer);
            web.UseSetting("Auth:AuthServiceUrl", auth.Url);
            web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        });
        var client = service.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.CreateToken("audit:read", $"user-{marker}"));

        var stored = await AuditFixture.EventsAsync(client, "application=emitter&limit=100", expected: 50, seconds: 60);

        stored.Should().HaveCount(50);
        stored.Select(e => e.GetProperty("details").GetProperty("n").GetInt32()).Should().BeEquivalentTo(Enumerable.Range(0, 50));
        stored.Should().AllSatisfy(e => e.GetProperty("actor").GetProperty("id").GetString().Should().Be($"user-{marker}"));
    }
}
