using System.Net.Http.Json;
using System.Text.Json;
using Fleet.AuthServiceTests.Support;
using RabbitMQ.Client;

namespace Fleet.AuthServiceTests;

[Collection(AuthCollection.Name)]
public sealed class AuditTests(AuthFixture auth)
{
    [Fact]
    public async Task A_login_publishes_a_user_login_event_to_fleet_audit()
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(auth.RabbitMqConnectionString) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync("fleet.audit", ExchangeType.Topic, durable: true);
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, "fleet.audit", "audit.authentication");

        var (userName, password, id) = await auth.NewVerifiedUserAsync();
        await auth.PasswordTokenAsync(userName, password);

        var login = await WaitForAsync(channel, queue, e => e.GetProperty("action").GetString() == "user.login" && e.GetProperty("actor").GetProperty("id").GetString() == id);
        login.GetProperty("application").GetString().Should().Be("auth");
        login.GetProperty("environment").GetString().Should().Be("development");
        login.GetProperty("category").GetString().Should().Be("authentication");
        login.GetProperty("outcome").GetString().Should().Be("success");
        login.GetProperty("level").GetString().Should().Be("info");
        login.GetProperty("actor").GetProperty("type").GetString().Should().Be("user");
        login.GetProperty("resource").GetProperty("id").GetString().Should().Be(id);
        login.GetProperty("details").GetProperty("client_id").GetString().Should().Be("fleet-cli");
        Guid.TryParse(login.GetProperty("id").GetString(), out _).Should().BeTrue();
        DateTimeOffset.Parse(login.GetProperty("occurred_at").GetString()!).Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        login.GetProperty("trace_id").GetString().Should().MatchRegex("^[0-9a-f]{32}$");

        // A failure is recorded too.
        await auth.PostFormAsync("/auth/connect/token",
            [new("grant_type", "password"), new("username", userName), new("password", "Wrong-Password-1")], AuthFixture.Basic("fleet-cli", AuthFixture.CliSecret));
        var failure = await WaitForAsync(channel, queue, e => e.GetProperty("action").GetString() == "user.login" && e.GetProperty("outcome").GetString() == "failure"
            && e.GetProperty("actor").GetProperty("id").GetString() == id);
        failure.GetProperty("level").GetString().Should().Be("warning");
    }

    private static async Task<JsonElement> WaitForAsync(IChannel channel, string queue, Func<JsonElement, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            var message = await channel.BasicGetAsync(queue, autoAck: true);
            if (message is null)
            {
                await Task.Delay(100);
                continue;
            }
            message.BasicProperties.ContentType.Should().Be("application/json");
            var auditEvent = JsonDocument.Parse(message.Body).RootElement.Clone();
            if (match(auditEvent))
            {
                return auditEvent;
            }
        }
        throw new TimeoutException("The audit event did not arrive.");
    }
}
