using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Aspire.Hosting.Testing;
using Fleet.EndToEnd.Support;
using Fleet.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Fleet.EndToEnd;

/// <summary>Audit events accepted with a 202 are stored once, though AuditService is killed while it stores them.</summary>
[Collection(DisruptedFleetCollection.Name)]
public sealed class AuditReliabilityTests(FleetSystem fleet, ITestOutputHelper output)
{
    private const int Batches = 100;
    private const int BatchSize = 500;
    private const int Senders = 4;

    [Fact]
    public async Task Every_accepted_event_is_stored_once_through_a_killed_AuditService()
    {
        var token = await fleet.AdminTokenAsync("audit:write audit:read");
        var accepted = new ConcurrentDictionary<int, Guid[]>();
        var refusals = new ConcurrentBag<string>();
        var marker = Guid.NewGuid().ToString("N");
        var next = -1;

        async Task SendAsync()
        {
            using var client = new HttpClient { BaseAddress = fleet.GatewayUrl, Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            for (var batch = Interlocked.Increment(ref next); batch < Batches; batch = Interlocked.Increment(ref next))
            {
                var ids = Enumerable.Range(0, BatchSize).Select(_ => Guid.NewGuid()).ToArray();
                var body = ids.Select(id => new
                {
                    id, occurred_at = DateTimeOffset.UtcNow.ToString("O"), application = "reliability", category = "test", action = "event.sent",
                    outcome = "success", actor = new { type = "service", id = "sender" }, details = new { marker, batch },
                }).ToArray();
                // A client not told 202 sends the same events again, with their ids: that is what makes it safe.
                while (true)
                {
                    try
                    {
                        using var response = await client.PostAsJsonAsync("/audit/events", body);
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            accepted[batch] = ids;
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
        while (accepted.Count < Batches / 3)
        {
            await Task.Delay(50);
        }
        var audit = fleet.ServiceProcessOf("audit", "Fleet.AuditService");
        ProcessTree.Kill(audit); // storing what it has taken off the queue, and taking more
        await Task.WhenAll(senders);
        output.WriteLine($"{accepted.Count} batches accepted; refused or failed on the way: " +
            string.Join(", ", refusals.GroupBy(r => r).Select(g => $"{g.Key} x{g.Count()}")));

        ProcessTree.IsAlive(audit).Should().BeFalse();
        var ids = accepted.Values.SelectMany(i => i).ToArray();
        ids.Should().HaveCount(Batches * BatchSize);
        await using var db = NpgsqlDataSource.Create(await fleet.App.GetConnectionStringAsync("auditdb") ?? throw new InvalidOperationException("no auditdb"));
        long stored = 0, rows = 0;
        for (var deadline = DateTime.UtcNow.AddMinutes(3); DateTime.UtcNow < deadline; await Task.Delay(1_000))
        {
            await using var count = db.CreateCommand("SELECT count(DISTINCT id), count(*) FROM audit.events WHERE details->>'marker' = $1");
            count.Parameters.Add(new NpgsqlParameter { Value = marker });
            await using var reader = await count.ExecuteReaderAsync();
            await reader.ReadAsync();
            (stored, rows) = (reader.GetInt64(0), reader.GetInt64(1));
            if (stored >= ids.Length)
            {
                break;
            }
        }
        stored.Should().Be(ids.Length, "every accepted event is stored");
        rows.Should().Be(stored, "none is stored twice");
        await fleet.WaitUntilEveryServiceIsHealthyAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
    }
}
