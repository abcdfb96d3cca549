using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Fleet.ServiceDefaults.Messaging;
using Fleet.ServiceDefaultsTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;

namespace Fleet.ServiceDefaultsTests.Messaging;

[Collection(InfrastructureCollection.Name)]
public sealed class RabbitMQPublisherTests(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    private IHost _host = null!;
    private RabbitMQPublisher _publisher = null!;
    private IChannel _channel = null!;
    private readonly string _routingKey = $"tests.{Guid.NewGuid():N}";
    private string _queue = null!;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration["ConnectionStrings:rabbitmq"] = infrastructure.RabbitMqConnectionString;
        builder.AddRabbitMQClient("rabbitmq");
        builder.AddRabbitMQPublisher();
        _host = builder.Build();
        await _host.StartAsync();
        _publisher = _host.Services.GetRequiredService<RabbitMQPublisher>();

        // The first publish declares the shared exchanges; nothing is bound for this one, so it is dropped.
        await _publisher.PublishAsync(FleetExchanges.Events, $"warm-up.{Guid.NewGuid():N}", "x"u8.ToArray());

        // A queue of this test's own, bound to the shared events exchange, on the connection Aspire registered.
        var connection = _host.Services.GetRequiredService<IConnection>();
        _channel = await connection.CreateChannelAsync();
        _queue = (await _channel.QueueDeclareAsync(queue: "", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await _channel.QueueBindAsync(_queue, FleetExchanges.Events, _routingKey);
    }

    public async Task DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _host.StopAsync();
        if (_host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task Publishing_declares_the_shared_exchanges()
    {
        foreach (var exchange in new[] { FleetExchanges.Events, FleetExchanges.Audit, FleetExchanges.DeadLetter })
        {
            // Passive declare closes the channel if the exchange is missing.
            await _channel.ExchangeDeclarePassiveAsync(exchange);
        }
        _channel.IsOpen.Should().BeTrue();
    }

    [Fact]
    public async Task A_confirmed_message_is_persistent_in_the_queue_and_carries_the_trace_context()
    {
        using var activity = new Activity("handle request").SetIdFormat(ActivityIdFormat.W3C).Start();

        await _publisher.PublishAsync(FleetExchanges.Events, _routingKey, "hello"u8.ToArray());

        // The broker confirms a routed persistent message once it is enqueued, so it is already there.
        var message = await _channel.BasicGetAsync(_queue, autoAck: true);
        message.Should().NotBeNull();
        Encoding.UTF8.GetString(message!.Body.Span).Should().Be("hello");
        message.BasicProperties.DeliveryMode.Should().Be(DeliveryModes.Persistent);
        message.BasicProperties.MessageId.Should().NotBeNullOrEmpty();
        message.BasicProperties.Timestamp.UnixTime.Should().BeCloseTo(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 60);
        Encoding.UTF8.GetString((byte[])message.BasicProperties.Headers!["traceparent"]!).Should().Be(activity.Id);

        var parent = MessageTraceContext.Extract(message.BasicProperties);
        parent.TraceId.Should().Be(activity.TraceId);
        parent.SpanId.Should().Be(activity.SpanId);
        parent.IsRemote.Should().BeTrue();
    }

    [Fact]
    public async Task Json_messages_are_camel_case_with_a_content_type()
    {
        await _publisher.PublishJsonAsync(FleetExchanges.Events, _routingKey, new { RideId = 42, Status = "accepted" });

        var message = await _channel.BasicGetAsync(_queue, autoAck: true);
        message!.BasicProperties.ContentType.Should().Be("application/json");
        using var json = JsonDocument.Parse(message.Body);
        json.RootElement.GetProperty("rideId").GetInt32().Should().Be(42);
    }

    [Fact]
    public async Task A_mandatory_message_that_no_queue_takes_fails_as_returned()
    {
        var publish = () => _publisher.PublishAsync(FleetExchanges.Events, $"nobody.{Guid.NewGuid():N}", "lost"u8.ToArray(), mandatory: true);

        var failure = await publish.Should().ThrowAsync<MessagePublishException>();
        failure.Which.Returned.Should().BeTrue();
        failure.Which.Message.Should().Contain("no queue is bound");
    }

    [Fact]
    public async Task Many_concurrent_publishes_are_all_confirmed_and_delivered()
    {
        const int count = 2000;

        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            _publisher.PublishAsync(FleetExchanges.Events, _routingKey, BitConverter.GetBytes(i), mandatory: true)));

        (await _channel.MessageCountAsync(_queue)).Should().Be(count);
    }

    [Fact]
    public async Task The_publisher_recovers_from_a_channel_error()
    {
        var toMissingExchange = () => _publisher.PublishAsync($"missing.{Guid.NewGuid():N}", "x", "x"u8.ToArray());
        await toMissingExchange.Should().ThrowAsync<Exception>("the broker closes a channel that publishes to a missing exchange");

        await _publisher.PublishAsync(FleetExchanges.Events, _routingKey, "after"u8.ToArray(), mandatory: true);

        (await _channel.MessageCountAsync(_queue)).Should().Be(1);
    }
}
