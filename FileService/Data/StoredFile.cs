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
}
