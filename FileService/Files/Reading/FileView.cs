using Fleet.FileService.Data;

namespace Fleet.FileService.Files.Reading;

/// <summary>A file as the API shows it.</summary>
public sealed record FileView(Guid Id, string Name, long Size, string ContentType, string Sha256, DateTimeOffset UploadedAt, string OwnerId,
    string ScanStatus, string? Sensitivity)
{
    public static FileView From(StoredFile file) =>
        new(file.Id, file.Name, file.Size, file.ContentType, file.Sha256, file.UploadedAt, file.OwnerId, file.ScanStatus, file.Sensitivity);
}

/// <summary>A file's scan: <c>GET /files/{id}/scan</c>. Findings say what kind, how many and where, never the values.</summary>
public sealed record ScanView(string Status, string? Level, System.Text.Json.JsonElement? Findings, int? RulesVersion, DateTimeOffset? ScannedAt,
    bool Truncated, string? Error)
{
    public static ScanView From(StoredFile file) => new(file.ScanStatus, file.Sensitivity,
        file.ScanFindings is null ? null : System.Text.Json.JsonDocument.Parse(file.ScanFindings).RootElement.Clone(),
        file.ScanRulesVersion, file.ScannedAt, file.ScanTruncated, file.ScanError);
}

/// <summary>A page of <c>GET /files</c>.</summary>
public sealed record FilePage(IReadOnlyList<FileView> Files, string? NextCursor);
