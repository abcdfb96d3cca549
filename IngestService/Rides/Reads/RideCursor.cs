using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Fleet.IngestService.Rides.Reads;

/// <summary>Where a page of rides ended: the last ride's trip start and id, opaque to callers (base64url).</summary>
public sealed record RideCursor(DateTimeOffset FromDate, long Id)
{
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, FromDate.UtcTicks);
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], Id);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static bool TryParse(string text, [NotNullWhen(true)] out RideCursor? cursor)
    {
        cursor = null;
        Span<byte> bytes = stackalloc byte[16];
        var base64 = text.Replace('-', '+').Replace('_', '/') + (text.Length % 4 == 0 ? "" : new string('=', 4 - text.Length % 4));
        if (text.Length != 22 || !Convert.TryFromBase64String(base64, bytes, out var written) || written != 16)
        {
            return false;
        }
        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }
        cursor = new RideCursor(new DateTimeOffset(ticks, TimeSpan.Zero), BinaryPrimitives.ReadInt64BigEndian(bytes[8..]));
        return true;
    }
}
