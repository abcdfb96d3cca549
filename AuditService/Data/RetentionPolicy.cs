namespace Fleet.AuditService.Data;

/// <summary>
/// How long events are kept: those of <see cref="Application"/>, <see cref="Category"/> and <see cref="Level"/> (each
/// unset matches any) for <see cref="KeepDays"/> days after they occurred. The most specific policy that matches an event
/// decides (ties: the longest keep); events no policy matches keep for <c>Audit:Retention:DefaultDays</c>.
/// </summary>
public sealed class RetentionPolicy
{
    public Guid Id { get; set; }

    public string? Application { get; set; }

    public string? Category { get; set; }

    public string? Level { get; set; }

    public int KeepDays { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    /// <summary>How many fields it names: more is more specific.</summary>
    public int Specificity => (Application is null ? 0 : 1) + (Category is null ? 0 : 1) + (Level is null ? 0 : 1);
}
