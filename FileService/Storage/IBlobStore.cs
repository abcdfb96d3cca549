namespace Fleet.FileService.Storage;

/// <summary>
/// File contents, addressed by their SHA-256: the same content is kept once, however many files hold it. A write is
/// staged (streamed to a temporary place, hashed as it goes), then committed under its hash or discarded.
/// </summary>
public interface IBlobStore
{
    /// <summary>Streams <paramref name="content"/> to a staged blob; past <paramref name="maxBytes"/> it is discarded and <see cref="BlobTooLargeException"/> thrown.</summary>
    Task<StagedBlob> StageAsync(Stream content, long maxBytes, CancellationToken cancellationToken);

    /// <summary>Makes the staged content the blob of its hash; if that blob exists already, the staged copy is dropped.</summary>
    Task CommitAsync(StagedBlob blob, CancellationToken cancellationToken);

    /// <summary>Drops a staged blob that will not be committed.</summary>
    void Discard(StagedBlob blob);

    Stream OpenRead(string sha256);

    void Delete(string sha256);
}

/// <summary>Content streamed in and hashed, not yet kept: <see cref="Head"/> is its first bytes, for sniffing its type.</summary>
public sealed record StagedBlob(string Id, string Sha256, long Size, byte[] Head);

public sealed class BlobTooLargeException(long maxBytes) : Exception($"The content is larger than {maxBytes} bytes.")
{
    public long MaxBytes { get; } = maxBytes;
}
