using System.Diagnostics.Metrics;

namespace Fleet.IngestService.Telemetry;

/// <summary>IngestService's counters, under the meter <c>Fleet.IngestService</c>, shown by the dashboard.</summary>
public sealed class IngestMetrics
{
    public const string MeterName = "Fleet.IngestService";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _stored;
    private readonly Counter<long> _deadLettered;
    private long _queueDepth = -1;

    public IngestMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _accepted = meter.CreateCounter<long>("fleet.rides.accepted", "{ride}", "Rides acknowledged to their sender (queued durably)");
        _rejected = meter.CreateCounter<long>("fleet.rides.rejected", "{ride}", "Rides refused at intake for breaking a rule");
        _stored = meter.CreateCounter<long>("fleet.rides.stored", "{ride}", "Rides written to PostgreSQL");
        _deadLettered = meter.CreateCounter<long>("fleet.rides.dead_lettered", "{ride}", "Rides given up on after their retries");
        meter.CreateObservableGauge("fleet.rides.queue.depth", () => Interlocked.Read(ref _queueDepth) is var depth and >= 0
            ? [new Measurement<long>(depth)] : Array.Empty<Measurement<long>>(), "{message}", "Messages waiting in the ingest.rides queue");
    }

    public void Accepted(int rides) => _accepted.Add(rides);

    public void Rejected(int rides) => _rejected.Add(rides);

    public void Stored(int rides) => _stored.Add(rides);

    public void DeadLettered(int rides) => _deadLettered.Add(rides);

    public void QueueDepth(long messages) => Interlocked.Exchange(ref _queueDepth, messages);
}
