using System.Diagnostics;
using System.Text.RegularExpressions;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Secrets;

/// <summary>What a committed secret looks like. Each pattern is written so that its own source text does not match it.</summary>
public static partial class SecretPatterns
{
    public static readonly IReadOnlyDictionary<string, Regex> All = new Dictionary<string, Regex>
    {
        ["fernet-key"] = FernetKey(),
        ["stripe-webhook-secret"] = StripeWebhookSecret(),
        ["stripe-live-key"] = StripeLiveKey(),
        ["provider-api-key"] = ProviderApiKey(),
        ["pem-private-key"] = PemPrivateKey(),
        ["connection-string-password"] = ConnectionStringPassword(),
        ["url-password"] = UrlPassword(),
    };

    /// <summary>Kinds of finding found in <paramref name="text"/>.</summary>
    public static IEnumerable<string> Find(string text) => All.Where(p => p.Value.IsMatch(text)).Select(p => p.Key);

    // 32 bytes in url-safe base64: 43 characters and one '=' that no base64 character surrounds.
    [GeneratedRegex(@"(?<![A-Za-z0-9_+/-])[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]=(?![A-Za-z0-9_+/=-])")]
    private static partial Regex FernetKey();

    [GeneratedRegex(@"whsec_[A-Za-z0-9+/]{24,}")]
    private static partial Regex StripeWebhookSecret();

    [GeneratedRegex(@"\b[rs]k_live_[A-Za-z0-9]{16,}")]
    private static partial Regex StripeLiveKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}")]
    private static partial Regex ProviderApiKey();

    [GeneratedRegex(@"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----")]
    private static partial Regex PemPrivateKey();

    // A password key directly followed by "=" and a value, as in connection strings and env files (code puts spaces around "="), where the
    // value is neither a placeholder ("...", <...>) nor a variable ($x, ${x}, {x}).
    [GeneratedRegex(@"(?i)(?<![A-Za-z0-9])(?:password|pwd)=(?![.<$\{""';])[^\s;""'<>]{4,}")]
    private static partial Regex ConnectionStringPassword();

    [GeneratedRegex(@"(?i)\b(?:postgres(?:ql)?|rediss?|mongodb(?:\+srv)?|amqps?|mysql)://[^:/\s@]+:(?![.<$\{])[^@/\s]{3,}@")]
    private static partial Regex UrlPassword();
}

public sealed class RepositorySecretScanTests
{
    /// <summary>The only files allowed to hold secret-looking text, and which kind: public test fixtures.</summary>
    private static readonly Dictionary<string, string[]> Allowlist = new(StringComparer.Ordinal)
    {
        // The Fernet specification's published vectors; their keys protect nothing.
        ["tests/Convergio.Api.Tests/Secrets/FernetVectors/generate.json"] = ["fernet-key"],
        ["tests/Convergio.Api.Tests/Secrets/FernetVectors/verify.json"] = ["fernet-key"],
        ["tests/Convergio.Api.Tests/Secrets/FernetVectors/invalid.json"] = ["fernet-key"],
    };

    [Fact]
    public void No_tracked_file_holds_a_secret_outside_the_fixture_allowlist()
    {
        var root = RepositoryFiles.Root();
        var findings = new List<string>();
        foreach (var file in RepositoryFiles.Tracked())
        {
            var path = Path.Combine(root, file);
            if (!File.Exists(path) || new FileInfo(path).Length > 2_000_000)
            {
                continue;
            }
            var text = File.ReadAllText(path);
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                continue;
            }
            var allowed = Allowlist.GetValueOrDefault(file, []);
            findings.AddRange(SecretPatterns.Find(text).Where(kind => !allowed.Contains(kind)).Select(kind => $"{file}: {kind}"));
        }

        Assert.Empty(findings);
    }

    [Fact]
    public void The_allowlisted_fixtures_exist_and_are_tracked()
    {
        var tracked = RepositoryFiles.Tracked().ToHashSet(StringComparer.Ordinal);

        Assert.All(Allowlist.Keys, file => Assert.Contains(file, tracked));
    }

    public static TheoryData<string, string> Samples()
    {
        // Built at run time from random bytes, so this file itself holds nothing the scan would flag.
        static string Random(int bytes) => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(bytes)).ToLowerInvariant();
        var dash = "-";
        return new TheoryData<string, string>
        {
            { "fernet-key", $"Encryption__Keys__0={Api.Secrets.FernetKey.Generate()}" },
            { "stripe-webhook-secret", $"secret: \"whsec_{Random(16)}\"" },
            { "stripe-live-key", $"api_key = sk_live_{Random(16)}" },
            { "stripe-live-key", $"api_key = rk_live_{Random(16)}" },
            { "provider-api-key", $"OPENAI_API_KEY=sk{dash}{Random(20)}" },
            { "provider-api-key", $"key: sk{dash}ant-{Random(20)}" },
            { "pem-private-key", $"{dash}----BEGIN RSA PRIVATE KEY{dash}----\nMIIE" },
            { "pem-private-key", $"{dash}----BEGIN PRIVATE KEY{dash}----\nMIIE" },
            { "connection-string-password", $"Host=db;Username=app;Password={Random(8)};Database=x" },
            { "connection-string-password", $"Server=db;User Id=sa;Pwd={Random(8)}" },
            { "url-password", $"DATABASE_URL=postgres://app:{Random(8)}@db.internal/convergio" },
            { "url-password", $"redis://default:{Random(8)}@cache:6379" },
        };
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Each_kind_of_secret_is_detected(string kind, string sample) => Assert.Contains(kind, SecretPatterns.Find(sample));

    [Theory]
    [InlineData("Password=...")]
    [InlineData("Password=$pg_password;Database=postgres")]
    [InlineData("Password=<your-password>")]
    [InlineData("Password={password}")]
    [InlineData("if (value.StartsWith(\"whsec_\", StringComparison.Ordinal))")]
    [InlineData("[\"openai\"] = \"sk-\",")]
    [InlineData("postgres://user:<password>@host/db")]
    [InlineData("sha512-" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyzAB==")]
    public void Placeholders_and_code_that_names_a_prefix_are_not_findings(string text) => Assert.Empty(SecretPatterns.Find(text));
}
