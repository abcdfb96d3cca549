namespace Fleet.Gateway.Proxy;

/// <summary>
/// Round robin over a service's replicas with passive health: a replica that refused a connection is
/// left out until its reactivation period has passed, unless no other replica is left to try.
/// </summary>
public sealed class DestinationSelector
{
    /// <summary>Tried destinations are tracked in one 64-bit mask per request.</summary>
    public const int MaxDestinations = 64;

    private readonly Destination[] _destinations;
    private int _next = -1;

    public DestinationSelector(IReadOnlyList<Destination> destinations)
    {
        if (destinations.Count > MaxDestinations)
        {
            throw new ArgumentException($"A cluster may have at most {MaxDestinations} destinations.", nameof(destinations));
        }

        _destinations = [.. destinations];
    }

    public IReadOnlyList<Destination> Destinations => _destinations;

    /// <summary>
    /// The next destination not in <paramref name="tried"/> (which it then joins): healthy ones first, in
    /// round-robin order; when none is healthy, one left out earlier, since it may be back. Null when all
    /// have been tried.
    /// </summary>
    public Destination? Pick(ref ulong tried)
    {
        var count = _destinations.Length;
        if (count == 0)
        {
            return null;
        }

        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)count);
        var now = Environment.TickCount64;
        var leftOut = -1;
        for (var offset = 0; offset < count; offset++)
        {
            var index = start + offset;
            if (index >= count)
            {
                index -= count;
            }

            if ((tried & (1UL << index)) != 0)
            {
                continue;
            }

            if (_destinations[index].IsHealthy(now))
            {
                tried |= 1UL << index;
                return _destinations[index];
            }

            if (leftOut < 0)
            {
                leftOut = index;
            }
        }

        if (leftOut < 0)
        {
            return null;
        }

        tried |= 1UL << leftOut;
        return _destinations[leftOut];
    }
}
