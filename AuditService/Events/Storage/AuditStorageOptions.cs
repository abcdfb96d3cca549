namespace Fleet.AuditService.Events.Storage;

/// <summary>The <c>Audit:Storage</c> configuration section.</summary>
public sealed class AuditStorageOptions
{
    public const string SectionName = "Audit:Storage";

    /// <summary>Messages the broker hands over before any is acknowledged.</summary>
    public ushort Prefetch { get; set; } = 200;

    /// <summary>Events gathered into one write at most.</summary>
    public int BatchEvents { get; set; } = 5_000;

    /// <summary>How long a write waits for more events to gather.</summary>
    public TimeSpan BatchDelay { get; set; } = TimeSpan.FromMilliseconds(50);
}
