using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Fleet.FileService.Storage;

/// <summary>
/// Blobs on the local disk: <c>blobs/ab/cd/&lt;sha256&gt;</c> under <see cref="BlobStorageOptions.Root"/>, staged in
/// <c>incoming/</c> on the same file system and moved into place, so a blob is either whole or absent. Paths are made
/// from hashes and generated ids only, never from anything a caller sent.
/// </summary>
public sealed class LocalDiskBlobStore : IBlobStore
{
    public const int HeadBytes = 512;
    private const int BufferBytes = 128 * 1024;
    private readonly string _blobs;
    private readonly string _incoming;

    public LocalDiskBlobStore(IOptions<BlobStorageOptions> options)
    {
        var root = options.Value.Root is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : throw new InvalidOperationException("Files:Storage:Root is not set: where FileService keeps file contents.");
        _blobs = Directory.CreateDirectory(Path.Combine(root, "blobs")).FullName;
        _incoming = Directory.CreateDirectory(Path.Combine(root, "incoming")).FullName;
    }

    public async Task<StagedBlob> StageAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        var path = Path.Combine(_incoming, id);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var head = new byte[HeadBytes];
        var headLength = 0;
        long size = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferBytes), cancellationToken)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                    {
                        throw new BlobTooLargeException(maxBytes);
                    }
                    var forHead = Math.Min(read, HeadBytes - headLength);
                    buffer.AsSpan(0, forHead).CopyTo(head.AsSpan(headLength));
                    headLength += forHead;
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true); // kept once the row says so: it must survive a crash
            }
            return new StagedBlob(id, Convert.ToHexStringLower(hash.GetHashAndReset()), size, head[..headLength]);
        }
        catch
        {
            File.Delete(path); // an interrupted or refused upload leaves nothing behind
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public Task CommitAsync(StagedBlob blob, CancellationToken cancellationToken)
    {
        var target = PathOf(blob.Sha256);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            File.Move(Path.Combine(_incoming, blob.Id), target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            Discard(blob); // the same content is stored already
        }
        return Task.CompletedTask;
    }

    public void Discard(StagedBlob blob) => File.Delete(Path.Combine(_incoming, blob.Id));

    public Stream OpenRead(string sha256) =>
        new FileStream(PathOf(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, BufferBytes, FileOptions.Asynchronous | FileOptions.SequentialScan);

    public void Delete(string sha256) => File.Delete(PathOf(sha256));

    private string PathOf(string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("Not a SHA-256 in lowercase hex.", nameof(sha256));
        }
        return Path.Combine(_blobs, sha256[..2], sha256[2..4], sha256);
    }
}
