namespace Fleet.FileService.Data;

/// <summary>
/// A message written in the same transaction as the change it announces and published afterwards by
/// <see cref="Files.Scanning.OutboxRelay"/>: a crash between the commit and the publish loses nothing.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }

    public string RoutingKey { get; set; } = "";

    public Guid FileId { get; set; }

    /// <summary>The W3C trace context of the request that wrote it, so its trace goes on through the queue.</summary>
    public string? TraceParent { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
