namespace Fleet.FileService.Files.Upload;

/// <summary>The <c>Files:Upload</c> configuration section.</summary>
public sealed class UploadOptions
{
    public const string SectionName = "Files:Upload";

    /// <summary>The largest file, in bytes: refused before the upload when its length says so, cut off during it otherwise.</summary>
    public long MaxBytes { get; set; } = 1L << 30;
}
