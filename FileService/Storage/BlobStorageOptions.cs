namespace Fleet.FileService.Storage;

/// <summary>The <c>Files:Storage</c> configuration section.</summary>
public sealed class BlobStorageOptions
{
    public const string SectionName = "Files:Storage";

    /// <summary>The folder that holds the blobs; the AppHost sets it under its data directory (<c>.fleet/files</c>).</summary>
    public string Root { get; set; } = "";
}
