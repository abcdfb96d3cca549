namespace Fleet.ServiceDefaults.Audit;

/// <summary>The <c>Audit</c> configuration section of a service that emits audit events.</summary>
public sealed class AuditLogOptions
{
    public const string SectionName = "Audit";

    /// <summary>The events' <c>application</c>: which service emitted them.</summary>
    public string Application { get; set; } = "";

    /// <summary>How many events may wait in memory for the broker; past that (broker away for long) new ones are dropped and logged.</summary>
    public int Capacity { get; set; } = 10_000;
}
