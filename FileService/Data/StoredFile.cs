namespace Fleet.FileService.Data;

/// <summary>An uploaded file: who owns it, what it is called and what it holds (its content is the blob <see cref="Sha256"/>).</summary>
public sealed class StoredFile
{
    public Guid Id { get; set; }

    /// <summary>The uploader's <c>sub</c>.</summary>
    public string OwnerId { get; set; } = "";

    /// <summary>As the uploader named it, made safe (<see cref="Files.Upload.FileNames"/>); never used as a path.</summary>
    public string Name { get; set; } = "";

    public long Size { get; set; }

    /// <summary>Sniffed from the first bytes, not taken from the client.</summary>
    public string ContentType { get; set; } = "";

    /// <summary>Lowercase hex SHA-256 of the content: its blob's address, and the ETag of its download.</summary>
    public string Sha256 { get; set; } = "";

    public DateTimeOffset UploadedAt { get; set; }

    /// <summary><c>pending</c>, <c>scanned</c>, <c>skipped</c> (not text) or <c>failed</c> (after its retries).</summary>
    public string ScanStatus { get; set; } = "pending";

    /// <summary><c>public</c>, <c>internal</c>, <c>confidential</c> or <c>restricted</c>, once scanned.</summary>
    public string? Sensitivity { get; set; }

    /// <summary>The findings as JSON: <c>[{"type", "count", "first_offsets"}]</c>; never the values found.</summary>
    public string? ScanFindings { get; set; }

    public int? ScanRulesVersion { get; set; }

    public DateTimeOffset? ScannedAt { get; set; }

    public bool ScanTruncated { get; set; }

    public string? ScanError { get; set; }
}
