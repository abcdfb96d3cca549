using OpenTelemetry.Trace;

namespace Fleet.ServiceDefaults.Telemetry;

/// <summary>
/// Records at most <c>tracesPerSecond</c> new traces a second (a token bucket holding one second's worth), and every
/// trace while a service is quiet. Used as the root sampler under <see cref="ParentBasedSampler"/>: a trace begun
/// elsewhere follows the decision its parent made, so a sampled request is traced whole across services.
/// A trace over the budget is still recorded in this process (its activity exists, so problem details and logs carry its
/// trace id) but not exported, and services downstream drop it.
/// </summary>
internal sealed class TraceRateSampler : Sampler
{
    private readonly double _tracesPerSecond;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private double _budget;
    private long _refilledAt;

    public TraceRateSampler(double tracesPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tracesPerSecond);
        _tracesPerSecond = tracesPerSecond;
        _time = time;
        _budget = tracesPerSecond;
        _refilledAt = time.GetTimestamp();
        Description = $"TraceRateSampler{{{tracesPerSecond}/s}}";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _budget = Math.Min(_tracesPerSecond, _budget + _time.GetElapsedTime(_refilledAt, now).TotalSeconds * _tracesPerSecond);
            _refilledAt = now;
            if (_budget >= 1)
            {
                _budget--;
                return new SamplingResult(SamplingDecision.RecordAndSample);
            }
        }
        return new SamplingResult(SamplingDecision.RecordOnly);
    }
}
