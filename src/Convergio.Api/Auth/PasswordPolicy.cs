
namespace Convergio.Api.Auth;

/// <summary>
/// NIST SP 800-63B / ASVS rules: 8 to 128 characters, no composition rules, no truncation,
/// not a common password, not the email. The error names the rule that failed.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 8;
    public const int MaxLength = 128;

    private static readonly Lazy<HashSet<string>> CommonPasswords = new(LoadCommonPasswords);

    /// <summary>The broken rule's message, or null when the password is acceptable.</summary>
    public static string? Check(string? password, string normalizedEmail)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinLength)
        {
            return $"Password must be at least {MinLength} characters.";
        }
        if (password.Length > MaxLength)
        {
            return $"Password must be at most {MaxLength} characters.";
        }
        if (string.Equals(password.Trim(), normalizedEmail, StringComparison.OrdinalIgnoreCase)
            || string.Equals(password.Trim(), normalizedEmail.Split('@')[0], StringComparison.OrdinalIgnoreCase))
        {
            return "Password must not be your email address.";
        }
        if (CommonPasswords.Value.Contains(password.ToLowerInvariant()))
        {
            return "Password is too common; choose one that is not on lists of breached or popular passwords.";
        }
        return null;
    }

    // zxcvbn-core embeds the 30,000 most common passwords of its frequency lists.
    private static HashSet<string> LoadCommonPasswords()
    {
        var assembly = typeof(Zxcvbn.Matcher.DictionaryMatcher).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("passwords.lst", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                set.Add(line.Trim().ToLowerInvariant());
            }
        }
        return set;
    }
}
