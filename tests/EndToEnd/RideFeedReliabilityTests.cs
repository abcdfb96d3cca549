using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Fleet.EndToEnd.Support;
using Fleet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Fleet.EndToEnd;

/// <summary>
/// What is acknowledged is stored, whatever dies on the way: a sustained feed through the gateway while a consumer
/// replica is killed mid-batch, RabbitMQ is restarted and PostgreSQL is restarted.
/// </summary>
[Collection(DisruptedFleetCollection.Name)]
public sealed class RideFeedReliabilityTests(FleetSystem fleet, ITestOutputHelper output)
{
    private const int Batches = 200;
    private const int BatchSize = 1_000;
    private const int Senders = 4;

    [Fact]
    public async Task Every_acknowledged_ride_is_stored_once_through_a_killed_consumer_and_broker_and_database_restarts()
    {
        var token = await fleet.ClientTokenAsync("xrides", "rides:write rides:read");
        var firstId = Random.Shared.NextInt64(10_000_000_000, 20_000_000_000);
        var acknowledged = new ConcurrentDictionary<Guid, long[]>();
        var refusals = new ConcurrentBag<string>();
        var next = -1;

        async Task SendAsync()
        {
            using var client = new HttpClient { BaseAddress = fleet.GatewayUrl, Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            for (var batch = Interlocked.Increment(ref next); batch < Batches; batch = Interlocked.Increment(ref next))
            {
                var ids = Enumerable.Range(0, BatchSize).Select(i => firstId + (long)batch * BatchSize + i).ToArray();
                var body = ids.Select(Ride).ToArray();
                // A client that is not told 202 sends the same batch again: that is what makes a refusal safe.
                while (true)
                {
                    try
                    {
                        using var response = await client.PostAsJsonAsync("/rides", body);
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            acknowledged[(await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tracking_id").GetGuid()] = ids;
                            break;
                        }
                        refusals.Add($"{(int)response.StatusCode}");
                        ((int)response.StatusCode).Should().BeOneOf([429, 502, 503, 504], await response.Content.ReadAsStringAsync());
                    }
                    catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                    {
                        refusals.Add(exception.GetType().Name);
                    }
                    await Task.Delay(500);
                }
            }
        }

        var senders = Enumerable.Range(0, Senders).Select(_ => Task.Run(SendAsync)).ToArray();

        await WhenAcknowledgedAsync(acknowledged, Batches / 4, senders);
        var replica = fleet.ServiceProcessOf("ingest-1", "Fleet.IngestService");
        ProcessTree.Kill(replica); // the consumer dies mid-batch, and so does the intake beside it
        await WhenAcknowledgedAsync(acknowledged, Batches / 2, senders);
        await RestartAsync("rabbitmq");
        await WhenAcknowledgedAsync(acknowledged, Batches * 3 / 4, senders);
        await RestartAsync("postgres");
        await Task.WhenAll(senders);
        output.WriteLine($"{acknowledged.Count} batches acknowledged; refused or failed on the way: " +
            string.Join(", ", refusals.GroupBy(r => r).Select(g => $"{g.Key} x{g.Count()}")));

        acknowledged.Should().HaveCount(Batches);
        ProcessTree.IsAlive(replica).Should().BeFalse();
        var ids = acknowledged.Values.SelectMany(i => i).ToArray();
        await using var db = NpgsqlDataSource.Create(await fleet.App.GetConnectionStringAsync("ridesdb") ?? throw new InvalidOperationException("no ridesdb"));
        for (var deadline = DateTime.UtcNow.AddMinutes(3); DateTime.UtcNow < deadline && await StoredAsync(db, ids) < ids.Length;)
        {
            await Task.Delay(1_000);
        }
        (await StoredAsync(db, ids)).Should().Be(ids.Length, "every acknowledged ride is stored");
        await using (var distinct = db.CreateCommand("SELECT count(*) - count(DISTINCT id) FROM rides.rides WHERE id = ANY($1)"))
        {
            distinct.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
            ((long)(await distinct.ExecuteScalarAsync())!).Should().Be(0, "none is stored twice");
        }
        var statuses = await StatusesAsync(token, acknowledged.Keys);
        statuses.Should().AllBe("stored", "every tracking id ends final");
        await fleet.WaitUntilEveryServiceIsHealthyAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
    }

    private static Dictionary<string, object?> Ride(long id) => new()
    {
        ["id"] = id, ["user_id"] = id % 50_000 + 1, ["vehicle_model_id"] = 12, ["travel_type_id"] = 2, ["from_area_id"] = (int)(id % 1_400) + 1,
        ["to_area_id"] = (int)(id % 1_300) + 1, ["from_city_id"] = 15, ["from_date"] = "2013-03-14T08:30:00", ["booking_created"] = "2013-03-14T07:55:00",
        ["online_booking"] = id % 3 == 0, ["from_lat"] = 12.97, ["from_long"] = 77.59, ["to_lat"] = 12.93, ["to_long"] = 77.62,
        ["car_cancellation"] = id % 13 == 0,
    };

    private static async Task WhenAcknowledgedAsync(ConcurrentDictionary<Guid, long[]> acknowledged, int count, Task[] senders)
    {
        while (acknowledged.Count < count)
        {
            if (senders.FirstOrDefault(s => s.IsFaulted) is { } failed)
            {
                await failed; // a sender's assertion failed: say so now
            }
            await Task.Delay(100);
        }
    }

    private async Task RestartAsync(string resource)
    {
        var model = fleet.App.Services.GetRequiredService<DistributedApplicationModel>();
        var result = await fleet.App.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(model.Resources.Single(r => r.Name == resource), KnownResourceCommands.RestartCommand);
        result.Success.Should().BeTrue(result.Message);
    }

    /// <summary>How many of <paramref name="ids"/> are stored; -1 while the database is still coming back.</summary>
    private static async Task<long> StoredAsync(NpgsqlDataSource db, long[] ids)
    {
        try
        {
            await using var command = db.CreateCommand("SELECT count(*) FROM rides.rides WHERE id = ANY($1)");
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
            return (long)(await command.ExecuteScalarAsync())!;
        }
        catch (NpgsqlException exception) when (exception.IsTransient)
        {
            return -1;
        }
    }

    private async Task<IReadOnlyList<string>> StatusesAsync(string token, IEnumerable<Guid> trackingIds)
    {
        using var client = new HttpClient { BaseAddress = fleet.GatewayUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var statuses = new List<string>();
        foreach (var trackingId in trackingIds)
        {
            // After the database restart a replica may meet a broken pooled connection once more: a 503 with Retry-After,
            // which a caller is to follow (README), a few times at most.
            for (var attempt = 1; ; attempt++)
            {
                using var response = await client.GetAsync($"/rides/requests/{trackingId}");
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 5)
                {
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                    continue;
                }
                response.EnsureSuccessStatusCode();
                statuses.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()!);
                break;
            }
        }
        return statuses;
    }
}
