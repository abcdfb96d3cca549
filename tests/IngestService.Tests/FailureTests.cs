using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fleet.IngestServiceTests.Support;
using Fleet.Testing;
using RabbitMQ.Client;

namespace Fleet.IngestServiceTests;

[Collection(IngestCollection.Name)]
public sealed class FailureTests(IngestFixture fleet)
{
    [Fact]
    public async Task Without_a_broker_to_confirm_the_answer_is_503_with_retry_after_never_202()
    {
        using var brokerless = fleet.CreateFactory(
            ("ConnectionStrings:rabbitmq", $"amqp://fleet:x@127.0.0.1:{LoopbackPort.Unused()}"),
            ("Rides:Intake:ConfirmTimeout", "00:00:02"));

        var response = await fleet.Client(factory: brokerless).PostAsJsonAsync("/rides", Rides.Json(Rides.NewId()));

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.Should().NotBeNull();
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task A_message_that_cannot_be_stored_is_retried_then_dead_lettered_and_its_request_says_why()
    {
        var trackingId = Guid.CreateVersion7();
        // What intake would queue, but with a ride missing: no write can store it.
        var message = JsonSerializer.Serialize(new[]
        {
            new
            {
                trackingId, clientId = "xrides", receivedAt = DateTimeOffset.UtcNow, part = 0, rides = new object?[] { null },
                request = new { format = "json", parts = 1, rowsReceived = 1, rowsAccepted = 1, rowsRejected = 0, rejected = Array.Empty<object>() },
            },
        });
        var factory = new ConnectionFactory { Uri = new Uri(fleet.RabbitMQ) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
        {
            await channel.BasicPublishAsync("", "ingest.rides", mandatory: true,
                new BasicProperties { Persistent = true, Headers = new Dictionary<string, object?> { ["x-parts"] = $"{trackingId}/0" } },
                Encoding.UTF8.GetBytes(message));
        }

        var client = fleet.Client();
        JsonElement view = default;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var response = await client.GetAsync($"/rides/requests/{trackingId}");
            if (response.StatusCode == HttpStatusCode.OK && (view = await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString() != "accepted")
            {
                break;
            }
            await Task.Delay(100);
        }

        view.GetProperty("status").GetString().Should().Be("failed", view.ToString());
        view.GetProperty("failures")[0].GetProperty("reason").GetString().Should().StartWith("not stored after 4 attempts");
        await using var check = await factory.CreateConnectionAsync();
        await using var inspect = await check.CreateChannelAsync();
        var dead = await inspect.BasicGetAsync("ingest.rides.dead", autoAck: true);
        dead.Should().NotBeNull("the message waits in the dead-letter queue for an operator");
        Encoding.UTF8.GetString(dead!.Body.Span).Should().Contain(trackingId.ToString());
    }
}
