namespace Fleet.IngestService.Rides.Storage;

/// <summary>How queued rides are stored; the <c>Rides:Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Rides:Storage";

    /// <summary>Messages a consumer holds unacknowledged at once (the broker's prefetch).</summary>
    public ushort Prefetch { get; set; } = 32;

    /// <summary>A batch is written once it holds this many rides...</summary>
    public int BatchRides { get; set; } = 5_000;

    /// <summary>...or once its first message has waited this long.</summary>
    public TimeSpan BatchDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Delays before the retries of a message that failed to store (not of a database that is down: that batch is
    /// retried until the database is back). After the last, the message is dead-lettered and its request says why.
    /// The defaults are in appsettings.json: configuration appends to an array's initial items instead of replacing them.
    /// </summary>
    public TimeSpan[] RetryDelays { get; set; } = [];

    /// <summary>
    /// Deliveries of one message after which it is dead-lettered even though no attempt finished: a message that
    /// brings its consumer down every time. The broker itself dead-letters at twice this.
    /// </summary>
    public int MaxDeliveries { get; set; } = 5;
}
