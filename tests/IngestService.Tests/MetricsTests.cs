using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using Fleet.IngestService.Telemetry;
using Fleet.IngestServiceTests.Support;

namespace Fleet.IngestServiceTests;

[Collection(IngestCollection.Name)]
public sealed class MetricsTests(IngestFixture fleet)
{
    [Fact]
    public async Task Rides_accepted_rejected_and_stored_are_counted_and_the_queue_depth_is_reported()
    {
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listening) =>
            {
                if (instrument.Meter.Name == IngestMetrics.MeterName)
                {
                    listening.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => totals.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        listener.Start();
        var client = fleet.Client();
        var ids = Rides.NewIds(3);

        var accepted = await client.PostAsJsonAsync("/rides?partial=true",
            new[] { Rides.Json(ids[0]), Rides.Json(ids[1]), Rides.Json(ids[2], r => r["user_id"] = "abc") });
        await Tracking.FinalAsync(client, accepted);

        totals.GetValueOrDefault("fleet.rides.accepted").Should().Be(2);
        totals.GetValueOrDefault("fleet.rides.rejected").Should().Be(1);
        // Counted once the broker has the acknowledgement too, just after the commit the tracking link reports.
        for (var attempt = 0; attempt < 50 && totals.GetValueOrDefault("fleet.rides.stored") < 2; attempt++)
        {
            await Task.Delay(100);
        }
        totals.GetValueOrDefault("fleet.rides.stored").Should().Be(2);
        listener.RecordObservableInstruments();
        totals.Should().ContainKey("fleet.rides.queue.depth");
    }
}
