using System.Diagnostics.Metrics;

namespace Fleet.AuditService;

/// <summary>Meter <c>Fleet.AuditService</c>: events accepted, rejected, stored and dead-lettered.</summary>
public sealed class AuditMetrics
{
    public const string MeterName = "Fleet.AuditService";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _stored;
    private readonly Counter<long> _deadLettered;

    public AuditMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _accepted = meter.CreateCounter<long>("fleet.audit.events.accepted", "{event}", "Events accepted by POST /audit/events (202)");
        _rejected = meter.CreateCounter<long>("fleet.audit.events.rejected", "{event}", "Events refused by POST /audit/events (400)");
        _stored = meter.CreateCounter<long>("fleet.audit.events.stored", "{event}", "Events newly stored (re-sends not counted)");
        _deadLettered = meter.CreateCounter<long>("fleet.audit.events.dead_lettered", "{event}", "Events given up on and dead-lettered");
    }

    public void Accepted(int count) => _accepted.Add(count);

    public void Rejected(int count) => _rejected.Add(count);

    public void Stored(int count) => _stored.Add(count);

    public void DeadLettered(int count) => _deadLettered.Add(count);
}
