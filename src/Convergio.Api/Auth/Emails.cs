using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;

namespace Convergio.Api.Auth;

public static class Emails
{
    public const int MaxLength = 254;

    /// <summary>Trimmed and lower-cased: the one form stored, compared and used as a rate-limit key.</summary>
    public static string Normalize(string? email) => (email ?? "").Trim().ToLowerInvariant();

    /// <summary>SHA-256 hex of a normalized email: a key for per-account limits that exists whether or not the account does, and stores no address.</summary>
    public static string Fingerprint(string normalized) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));

    public static bool IsValid(string normalized) =>
        normalized.Length is > 0 and <= MaxLength
        && MailAddress.TryCreate(normalized, out var address)
        && address.Address == normalized
        && normalized.IndexOf('@', StringComparison.Ordinal) is var at && at > 0 && normalized.IndexOf('.', at) > at + 1;
}
