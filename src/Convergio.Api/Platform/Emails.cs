using System.Globalization;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;

namespace Convergio.Api.Platform;

public static class Emails
{
    public const int MaxLength = 254;

    /// <summary>
    /// The one form stored, compared and used as a rate-limit key: trimmed, NFKC-normalized (fullwidth
    /// letters, ligatures and NFD sequences fold to their plain NFC form), lower-cased invariantly, and
    /// without the domain's trailing root dot, so look-alike spellings of one address are one account.
    /// NFKC needs ICU: the build keeps it (no InvariantGlobalization), and a test proves the folding.
    /// </summary>
    public static string Normalize(string? email)
    {
        var trimmed = (email ?? "").Trim();
        string folded;
        try
        {
            // Case mapping can leave a string that is no longer NFKC, so normalize on both sides of it.
            folded = trimmed.Normalize(NormalizationForm.FormKC).ToLowerInvariant().Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            // Not Unicode text (an unpaired surrogate): kept as typed, and IsValid refuses it.
            return trimmed;
        }
        return folded.Length > 1 && folded[^1] == '.' && folded.Contains('@', StringComparison.Ordinal) ? folded[..^1] : folded;
    }

    /// <summary>SHA-256 hex of a normalized email: a key for per-account limits that exists whether or not the account does, and stores no address.</summary>
    public static string Fingerprint(string normalized) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));

    public static bool IsValid(string normalized) =>
        normalized.Length is > 0 and <= MaxLength
        && !normalized.Any(IsInvisible)
        && MailAddress.TryCreate(normalized, out var address)
        && address.Address == normalized
        && normalized.IndexOf('@', StringComparison.Ordinal) is var at && at > 0 && normalized.IndexOf('.', at) > at + 1;

    /// <summary>Control, zero-width, bidi and other format characters, separators and broken surrogates: nothing a reader can see or compare.</summary>
    private static bool IsInvisible(char c) => CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
        or UnicodeCategory.OtherNotAssigned;
}
