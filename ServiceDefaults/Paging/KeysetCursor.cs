using System.Globalization;
using System.Text;

namespace Fleet.ServiceDefaults.Paging;

/// <summary>
/// The opaque cursor of a newest-first page keyed by (time, id): base64url of <c>ticks:id</c>. Clients pass it back as
/// given; anything else is not a cursor.
/// </summary>
public static class KeysetCursor
{
    public static string Of(DateTimeOffset at, Guid id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{at.UtcTicks}:{id:N}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The (time, id) a cursor continues after; null when it is not one this service gave.</summary>
    public static (DateTimeOffset At, Guid Id)? Read(string cursor)
    {
        try
        {
            var text = cursor.Replace('-', '+').Replace('_', '/');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='))).Split(':');
            return (new DateTimeOffset(long.Parse(parts[0], CultureInfo.InvariantCulture), TimeSpan.Zero), Guid.ParseExact(parts[1], "N"));
        }
        catch (Exception exception) when (exception is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            return null;
        }
    }
}
