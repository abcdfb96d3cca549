using System.Text;
using System.Text.Unicode;

namespace Fleet.FileService.Files.Upload;

/// <summary>
/// A file's media type from its first bytes, never from what the client claims: the signatures of the common
/// formats, then UTF-8 text (JSON, XML, CSV, plain), else <c>application/octet-stream</c>. Written here because no
/// maintained sniffing library restores (docs/decisions/0010-file-service.md).
/// </summary>
public static class ContentSniffer
{
    private static readonly (byte[] Signature, int Offset, string MediaType)[] Signatures =
    [
        ("%PDF-"u8.ToArray(), 0, "application/pdf"),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], 0, "image/png"),
        ([0xFF, 0xD8, 0xFF], 0, "image/jpeg"),
        ("GIF87a"u8.ToArray(), 0, "image/gif"),
        ("GIF89a"u8.ToArray(), 0, "image/gif"),
        ("RIFF"u8.ToArray(), 0, "riff"),                 // WebP or WAV, told apart below
        ([0x50, 0x4B, 0x03, 0x04], 0, "application/zip"),
        ([0x1F, 0x8B], 0, "application/gzip"),
        ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], 0, "application/x-7z-compressed"),
        ("ustar"u8.ToArray(), 257, "application/x-tar"),
        ([0x7F, 0x45, 0x4C, 0x46], 0, "application/x-executable"),
        ("MZ"u8.ToArray(), 0, "application/x-msdownload"),
        ("ftyp"u8.ToArray(), 4, "video/mp4"),
    ];

    public static string Sniff(ReadOnlySpan<byte> head)
    {
        foreach (var (signature, offset, mediaType) in Signatures)
        {
            if (head.Length >= offset + signature.Length && head.Slice(offset, signature.Length).SequenceEqual(signature))
            {
                return mediaType != "riff" ? mediaType
                    : head.Length >= 12 && head[8..12].SequenceEqual("WEBP"u8) ? "image/webp"
                    : head.Length >= 12 && head[8..12].SequenceEqual("WAVE"u8) ? "audio/wav"
                    : "application/octet-stream";
            }
        }
        return IsText(head) ? TextType(head) : "application/octet-stream";
    }

    /// <summary>Whether the bytes read as UTF-8 without NULs; the last character may be cut off by the head's end.</summary>
    public static bool IsText(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty || head.Contains((byte)0))
        {
            return false;
        }
        for (var trim = 0; trim < 4 && trim < head.Length; trim++)
        {
            if (Utf8.IsValid(head[..^trim]))
            {
                return true;
            }
        }
        return false;
    }

    private static string TextType(ReadOnlySpan<byte> head)
    {
        var text = Encoding.UTF8.GetString(head).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return text switch
        {
            _ when text.StartsWith('{') || text.StartsWith('[') => "application/json",
            _ when text.StartsWith("<?xml", StringComparison.Ordinal) => "application/xml",
            _ => "text/plain",
        };
    }
}
