using System.Numerics;
using System.Text.RegularExpressions;

namespace Fleet.FileService.Files.Scanning;

/// <summary>
/// What the scanner looks for. Every pattern is matched without backtracking (linear in the text, so no file can make
/// a scan slow), and the ones with a checksum are kept only when it holds. Raise <see cref="Version"/> whenever a rule
/// changes: files scanned under an older version are scanned again.
/// </summary>
public static class ScanRules
{
    public const int Version = 1;

    public const string Email = "email";
    public const string Phone = "phone";
    public const string PaymentCard = "payment_card";
    public const string Iban = "iban";
    public const string PrivateKey = "private_key";
    public const string ApiToken = "api_token";

    private const RegexOptions Linear = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    public static readonly IReadOnlyList<(string Type, Regex Pattern, Func<string, bool> Check)> All =
    [
        (Email, new Regex(@"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}", Linear), _ => true),
        (Phone, new Regex(@"\+[1-9][0-9]{0,3}[ .-]?(\([0-9]{1,4}\)[ .-]?)?[0-9]{2,4}([ .-]?[0-9]{2,4}){1,4}|\([0-9]{3}\) ?[0-9]{3}-[0-9]{4}", Linear), DigitsBetween(8, 15)),
        (PaymentCard, new Regex(@"[0-9]{4}([ -]?[0-9]{4}){2}[ -]?[0-9]{1,7}", Linear), text => Digits(text) is { Length: >= 13 and <= 19 } digits && Luhn(digits)),
        (Iban, new Regex(@"[A-Z]{2}[0-9]{2}( ?[A-Z0-9]{4}){2,7}( ?[A-Z0-9]{1,4})?", Linear), IbanChecksum),
        (PrivateKey, new Regex(@"-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----", Linear), _ => true),
        (ApiToken, new Regex(
            @"AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|xox[abpr]-[A-Za-z0-9-]{10,72}|sk_live_[A-Za-z0-9]{24,99}|AIza[0-9A-Za-z_-]{35}"
            + @"|eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}|fk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{20,}", Linear), _ => true),
    ];

    /// <summary>The level a file's findings earn it: secrets and cards are restricted, bank accounts and bulk personal data confidential.</summary>
    public static string LevelOf(IReadOnlyDictionary<string, int> counts)
    {
        int Count(string type) => counts.GetValueOrDefault(type);
        if (Count(PrivateKey) + Count(ApiToken) + Count(PaymentCard) > 0)
        {
            return "restricted";
        }
        if (Count(Iban) > 0 || Count(Email) + Count(Phone) >= 10)
        {
            return "confidential";
        }
        return Count(Email) + Count(Phone) > 0 ? "internal" : "public";
    }

    public static readonly string[] Levels = ["public", "internal", "confidential", "restricted"];

    private static string Digits(string text) => new([.. text.Where(char.IsAsciiDigit)]);

    private static Func<string, bool> DigitsBetween(int min, int max) => text => Digits(text).Length is var n && n >= min && n <= max;

    private static bool Luhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[^(i + 1)] - '0';
            sum += i % 2 == 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
        }
        return sum % 10 == 0;
    }

    // ISO 13616: the country and check digits moved to the end, letters as 10..35, the number mod 97 is 1.
    private static bool IbanChecksum(string text)
    {
        var iban = text.Replace(" ", "");
        if (iban.Length is < 15 or > 34)
        {
            return false;
        }
        var rearranged = iban[4..] + iban[..4];
        var number = string.Concat(rearranged.Select(c => char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString()));
        return BigInteger.Parse(number) % 97 == 1;
    }
}
