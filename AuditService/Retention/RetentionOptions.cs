namespace Fleet.AuditService.Retention;

/// <summary>The <c>Audit:Retention</c> configuration section.</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Audit:Retention";

    /// <summary>How long events that no policy matches are kept.</summary>
    public int DefaultDays { get; set; } = 365;

    /// <summary>Rows deleted per statement where whole partitions cannot be dropped.</summary>
    public int DeleteBatch { get; set; } = 10_000;
}
