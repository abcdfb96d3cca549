namespace Fleet.FileService.Files.Scanning;

/// <summary>The <c>Files:Scanning</c> configuration section.</summary>
public sealed class ScanOptions
{
    public const string SectionName = "Files:Scanning";

    /// <summary>Characters read from a file at most; past them the scan says it was truncated.</summary>
    public long MaxCharacters { get; set; } = 64L << 20;

    /// <summary>A scan still going after this fails (and is retried).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Scans run at once per replica.</summary>
    public ushort Concurrency { get; set; } = 2;
}
