namespace Fleet.IngestService.Rides.Intake;

/// <summary>How rides are taken in; the <c>Rides:Intake</c> configuration section.</summary>
public sealed class IntakeOptions
{
    public const string SectionName = "Rides:Intake";

    /// <summary>Most rides one JSON request may carry; more is answered 413.</summary>
    public int MaxRidesPerRequest { get; set; } = 10_000;

    /// <summary>Rides per queued message: a request, or a CSV stream, is queued in parts of this size.</summary>
    public int PartSize { get; set; } = 1_000;

    /// <summary>Most refused rows listed in an answer; the count says how many there were in all.</summary>
    public int MaxErrorsListed { get; set; } = 100;

    /// <summary>Longest CSV line taken; a longer one ends the request (no export line comes near it).</summary>
    public int MaxCsvLineLength { get; set; } = 4_096;

    /// <summary>Largest CSV body taken.</summary>
    public long MaxCsvBytes { get; set; } = 1L << 30;

    /// <summary>How long the broker may take to confirm a request's messages before the caller is told 503.</summary>
    public TimeSpan ConfirmTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The Retry-After of a 503.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Where a CSV request that is all-or-nothing waits, on disk, until its last line was read.</summary>
    public string SpoolDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "fleet-ingest-spool");
}
