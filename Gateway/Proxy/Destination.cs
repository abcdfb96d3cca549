namespace Fleet.Gateway.Proxy;

/// <summary>One replica of a service, with its passive health state.</summary>
public sealed class Destination
{
    private long _leftOutUntil;

    public Destination(string name, Uri address)
    {
        Name = name;
        Address = address;
        BaseUrl = address.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    public string Name { get; }

    public Uri Address { get; }

    /// <summary>The address without a trailing slash, ready to have a request path appended.</summary>
    public string BaseUrl { get; }

    public bool IsHealthy(long nowMilliseconds) => Volatile.Read(ref _leftOutUntil) <= nowMilliseconds;

    /// <summary>Takes the destination out of the rotation; true if it was in it until now.</summary>
    public bool LeaveOutFor(TimeSpan period)
    {
        var now = Environment.TickCount64;
        var until = Interlocked.Exchange(ref _leftOutUntil, now + (long)period.TotalMilliseconds);
        return until <= now;
    }

    public void MarkHealthy()
    {
        if (Volatile.Read(ref _leftOutUntil) != 0)
        {
            Volatile.Write(ref _leftOutUntil, 0);
        }
    }

    public Uri Resolve(string path, string? query = null) => new(string.Concat(BaseUrl, path, query), UriKind.Absolute);

    public override string ToString() => $"{Name} ({Address})";
}
