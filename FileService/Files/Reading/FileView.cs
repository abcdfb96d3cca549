using Fleet.FileService.Data;

namespace Fleet.FileService.Files.Reading;

/// <summary>A file as the API shows it.</summary>
public sealed record FileView(Guid Id, string Name, long Size, string ContentType, string Sha256, DateTimeOffset UploadedAt, string OwnerId)
{
    public static FileView From(StoredFile file) => new(file.Id, file.Name, file.Size, file.ContentType, file.Sha256, file.UploadedAt, file.OwnerId);
}

/// <summary>A page of <c>GET /files</c>.</summary>
public sealed record FilePage(IReadOnlyList<FileView> Files, string? NextCursor);
