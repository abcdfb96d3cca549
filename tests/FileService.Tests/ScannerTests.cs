using System.Text;
using Fleet.FileService.Files.Scanning;

namespace Fleet.FileServiceTests;

public sealed class ScannerTests
{
    [Theory]
    [InlineData("emails.txt", ScanRules.Email, 3, "internal")]
    [InlineData("phones.txt", ScanRules.Phone, 3, "internal")]
    [InlineData("payment_cards.txt", ScanRules.PaymentCard, 3, "restricted")]
    [InlineData("ibans.txt", ScanRules.Iban, 2, "confidential")]
    [InlineData("private_keys.txt", ScanRules.PrivateKey, 2, "restricted")]
    [InlineData("api_tokens.txt", ScanRules.ApiToken, 3, "restricted")]
    public async Task Each_sample_has_its_known_count_of_its_kind_and_earns_its_level(string sample, string type, int count, string level)
    {
        await using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Samples", sample));

        var result = await SensitiveDataScanner.ScanAsync(file, long.MaxValue, CancellationToken.None);

        result.Findings.Single(f => f.Type == type).Count.Should().Be(count);
        result.Level.Should().Be(level);
        result.Truncated.Should().BeFalse();
    }

    [Fact]
    public async Task A_value_cut_by_a_window_edge_is_found_once_at_its_offset_and_the_values_are_never_kept()
    {
        // An address across the first window's end, one across the overlap's start, and one far beyond.
        var first = SensitiveDataScanner.Window - 5;
        var second = SensitiveDataScanner.Window - SensitiveDataScanner.Overlap - 3;
        var text = new StringBuilder(new string(' ', 3 * SensitiveDataScanner.Window));
        Put(text, second, "someone.else@example.com");
        Put(text, first, "straddler@example.com");
        Put(text, 2 * SensitiveDataScanner.Window + 100, "far.away@example.net");

        var result = await SensitiveDataScanner.ScanAsync(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), long.MaxValue, CancellationToken.None);

        var emails = result.Findings.Single(f => f.Type == ScanRules.Email);
        emails.Count.Should().Be(3);
        emails.FirstOffsets.Should().Equal(second, first, 2 * SensitiveDataScanner.Window + 100);
        result.Findings.Should().ContainSingle("nothing else is in the text");
    }

    [Fact]
    public async Task Reading_stops_at_the_limit_and_says_so()
    {
        var text = string.Concat(Enumerable.Repeat("mail me: someone@example.com\n", 10_000));

        var result = await SensitiveDataScanner.ScanAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), 1_000, CancellationToken.None);

        result.Truncated.Should().BeTrue();
        result.CharactersRead.Should().Be(1_000);
        result.Findings.Single().Count.Should().BeLessThan(40);
    }

    private static void Put(StringBuilder text, int at, string value)
    {
        text.Remove(at, value.Length);
        text.Insert(at, value);
    }
}
