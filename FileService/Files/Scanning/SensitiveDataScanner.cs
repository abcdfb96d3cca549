using System.Text;

namespace Fleet.FileService.Files.Scanning;

/// <summary>One kind of finding in a file: how many, and where the first few start (character offsets). Never the values.</summary>
public sealed record Finding(string Type, int Count, IReadOnlyList<long> FirstOffsets);

/// <summary>What a scan found, and whether it read the whole file.</summary>
public sealed record ScanResult(string Level, IReadOnlyList<Finding> Findings, long CharactersRead, bool Truncated);

/// <summary>
/// Reads text streamed, a window at a time, and matches <see cref="ScanRules"/>. A match is counted in the window where
/// it starts before the last <see cref="Overlap"/> characters (or anywhere, in the last window); those characters are
/// carried into the next window, so a value cut by a window's edge is read whole there. A match that ran into the
/// carried part marks how far its rule has looked, so that a part of it is not found again. Reads at most
/// <c>maxCharacters</c>.
/// </summary>
public static class SensitiveDataScanner
{
    public const int Window = 64 * 1024;
    public const int Overlap = 512;
    public const int OffsetsKept = 5;

    public static async Task<ScanResult> ScanAsync(Stream content, long maxCharacters, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(content, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true, Window);
        var counts = ScanRules.All.ToDictionary(rule => rule.Type, _ => 0);
        var offsets = ScanRules.All.ToDictionary(rule => rule.Type, _ => new List<long>());
        var lookedUntil = ScanRules.All.ToDictionary(rule => rule.Type, _ => 0L);
        var buffer = new char[Window + Overlap];
        var carried = 0;
        long windowStart = 0, read = 0;
        var truncated = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var wanted = (int)Math.Min(Window, maxCharacters - read);
            var n = wanted > 0 ? await reader.ReadBlockAsync(buffer.AsMemory(carried, wanted), cancellationToken) : 0;
            read += n;
            var last = n < wanted || wanted <= 0;
            truncated = wanted <= 0 && reader.Peek() >= 0;
            var length = carried + n;
            var cutoff = last ? length : length - Overlap;
            var text = new string(buffer, 0, length);
            foreach (var (type, pattern, check) in ScanRules.All)
            {
                foreach (var match in pattern.EnumerateMatches(text))
                {
                    var at = windowStart + match.Index;
                    if (match.Index >= cutoff || at < lookedUntil[type])
                    {
                        continue; // the next window's, or part of one already looked at
                    }
                    if (match.Index + match.Length > cutoff)
                    {
                        lookedUntil[type] = at + match.Length;
                    }
                    if (!check(text.Substring(match.Index, match.Length)))
                    {
                        continue;
                    }
                    counts[type]++;
                    if (offsets[type].Count < OffsetsKept)
                    {
                        offsets[type].Add(at);
                    }
                }
            }
            if (last)
            {
                break;
            }
            Array.Copy(buffer, cutoff, buffer, 0, length - cutoff);
            windowStart += cutoff;
            carried = length - cutoff;
        }

        var found = counts.Where(c => c.Value > 0).ToDictionary(c => c.Key, c => c.Value);
        return new ScanResult(ScanRules.LevelOf(found), [.. found.Select(c => new Finding(c.Key, c.Value, offsets[c.Key]))], read, truncated);
    }
}
