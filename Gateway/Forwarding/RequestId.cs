namespace Fleet.Gateway.Forwarding;

/// <summary>The X-Request-Id correlation header: the caller's value when it sent a sane one, else a new one.</summary>
public static class RequestId
{
    public const string HeaderName = "X-Request-Id";

    private const int MaxLength = 128;

    public static string GetOrCreate(HttpRequest request)
    {
        var sent = request.Headers[HeaderName];
        if (sent.Count == 1 && sent[0] is { Length: > 0 and <= MaxLength } value)
        {
            return value;
        }

        return Guid.NewGuid().ToString("N");
    }
}
