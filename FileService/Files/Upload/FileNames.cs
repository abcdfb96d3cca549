using System.Text;

namespace Fleet.FileService.Files.Upload;

/// <summary>
/// Makes an uploaded file's name safe to show and to offer back in a download: the last segment of any path, without
/// control characters, leading or trailing dots and spaces, or Windows' reserved device names, at most 255 UTF-8
/// bytes (the extension kept). The name is only ever data: storage paths come from hashes.
/// </summary>
public static class FileNames
{
    public const int MaxBytes = 255;

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    /// <summary>The safe name, or null when nothing usable is left.</summary>
    public static string? Sanitise(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }
        var lastSegment = name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
        var cleaned = new string(lastSegment.Where(c => !char.IsControl(c) && c is not (':' or '*' or '?' or '"' or '<' or '>' or '|')).ToArray())
            .Trim().Trim('.', ' ');
        if (cleaned.Length == 0)
        {
            return null;
        }
        var stem = cleaned.Split('.')[0];
        if (Reserved.Contains(stem.TrimEnd()))
        {
            cleaned = "_" + cleaned;
        }
        return Truncate(cleaned);
    }

    private static string Truncate(string name)
    {
        if (Encoding.UTF8.GetByteCount(name) <= MaxBytes)
        {
            return name;
        }
        var dot = name.LastIndexOf('.');
        var extension = dot > 0 && name.Length - dot <= 16 ? name[dot..] : "";
        var budget = MaxBytes - Encoding.UTF8.GetByteCount(extension);
        var stem = new StringBuilder();
        foreach (var rune in name[..(name.Length - extension.Length)].EnumerateRunes())
        {
            if (Encoding.UTF8.GetByteCount(stem.ToString()) + rune.Utf8SequenceLength > budget)
            {
                break;
            }
            stem.Append(rune.ToString());
        }
        return stem + extension;
    }
}
