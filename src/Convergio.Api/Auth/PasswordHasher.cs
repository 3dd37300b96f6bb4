using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Convergio.Api.Observability;
using Microsoft.Extensions.Options;
using NSec.Cryptography;

namespace Convergio.Api.Auth;

public enum PasswordVerification
{
    Failed,
    Succeeded,
    SucceededRehashNeeded,
}

public interface IPasswordHasher
{
    Task<string> HashAsync(string password, CancellationToken cancellationToken = default);

    Task<PasswordVerification> VerifyAsync(string password, string phc, CancellationToken cancellationToken = default);

    /// <summary>
    /// A well-formed hash with the configured cost that no password matches: verifying against it
    /// costs exactly what a real verification costs, so an unknown email takes as long as a wrong password.
    /// </summary>
    string DummyHash { get; }
}

/// <summary>
/// Argon2id via NSec (libsodium), stored as a PHC string
/// <c>$argon2id$v=19$m=19456,t=2,p=1$salt$hash</c>. Hashing holds ~19 MiB for tens of
/// milliseconds, so derivations pass the <see cref="PasswordHashingGate"/>: a login flood waits in a
/// bounded queue, then is turned away, instead of taking every core or exhausting memory. Every derivation is counted (metric
/// <c>convergio.auth.password_derivations</c>, tagged with its cost), which is how tests prove
/// that an unknown email does the same work as a wrong password.
/// </summary>
public sealed partial class Argon2idPasswordHasher : IPasswordHasher
{
    public const string DerivationsInstrument = "convergio.auth.password_derivations";

    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const int Version = 19;

    // Older hashes may be cheaper than today's options (they are rehashed at sign-in), but not absurdly so.
    private const int MinStoredMemoryKiB = 8192;

    private readonly PasswordHashingOptions _options;
    private readonly PasswordHashingGate _gate;
    private readonly Counter<long> _derivations;

    public Argon2idPasswordHasher(IOptions<PasswordHashingOptions> options, PasswordHashingGate gate, IMeterFactory meterFactory)
    {
        _options = options.Value;
        _gate = gate;
        _derivations = meterFactory.Create(SecurityMetrics.MeterName)
            .CreateCounter<long>(DerivationsInstrument, description: "Argon2id derivations (hash or verify), by cost.");
        // Random bytes in place of a real digest: building it costs nothing, and nothing derives to it.
        DummyHash = Format(_options, RandomNumberGenerator.GetBytes(SaltBytes), RandomNumberGenerator.GetBytes(HashBytes));
    }

    public string DummyHash { get; }

    public Task<string> HashAsync(string password, CancellationToken cancellationToken = default) => GatedAsync(() =>
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return Format(_options, salt, Derive("hash", password, salt, _options, HashBytes));
    }, cancellationToken);

    public Task<PasswordVerification> VerifyAsync(string password, string phc, CancellationToken cancellationToken = default) => GatedAsync(() =>
    {
        if (!TryParse(phc, out var cost, out var salt, out var expected))
        {
            return PasswordVerification.Failed;
        }
        var actual = Derive("verify", password, salt, cost, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return PasswordVerification.Failed;
        }
        return cost.MemoryKiB < _options.MemoryKiB || cost.Iterations < _options.Iterations || expected.Length < HashBytes
            ? PasswordVerification.SucceededRehashNeeded
            : PasswordVerification.Succeeded;
    }, cancellationToken);

    private async Task<T> GatedAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        using var slot = await _gate.EnterAsync(cancellationToken);
        return await Task.Run(work, CancellationToken.None);
    }

    private byte[] Derive(string operation, string password, byte[] salt, PasswordHashingOptions cost, int length)
    {
        var algorithm = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = cost.Parallelism,
            MemorySize = cost.MemoryKiB,
            NumberOfPasses = cost.Iterations,
        });
        _derivations.Add(1,
            new KeyValuePair<string, object?>("operation", operation),
            new KeyValuePair<string, object?>("m", cost.MemoryKiB),
            new KeyValuePair<string, object?>("t", cost.Iterations),
            new KeyValuePair<string, object?>("p", cost.Parallelism));
        return algorithm.DeriveBytes(password, salt, length);
    }

    private static string Format(PasswordHashingOptions cost, byte[] salt, byte[] hash) => string.Create(CultureInfo.InvariantCulture,
        $"$argon2id$v={Version}$m={cost.MemoryKiB},t={cost.Iterations},p={cost.Parallelism}${B64(salt)}${B64(hash)}");

    /// <summary>
    /// Parses the PHC form written by <see cref="Format"/>; anything else, or a cost outside what the
    /// options allow, fails verification instead of reaching the KDF.
    /// </summary>
    internal static bool TryParse(string phc, out PasswordHashingOptions cost, out byte[] salt, out byte[] hash)
    {
        cost = new PasswordHashingOptions();
        salt = hash = [];
        var match = PhcPattern().Match(phc);
        if (!match.Success
            || !int.TryParse(match.Groups["m"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var memory)
            || !int.TryParse(match.Groups["t"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || memory is < MinStoredMemoryKiB or > PasswordHashingOptions.MaxMemoryKiB
            || iterations is < 1 or > PasswordHashingOptions.MaxIterations)
        {
            return false;
        }
        try
        {
            salt = FromB64(match.Groups["salt"].Value);
            hash = FromB64(match.Groups["hash"].Value);
        }
        catch (FormatException)
        {
            return false;
        }
        cost = new PasswordHashingOptions { MemoryKiB = memory, Iterations = iterations, Parallelism = 1 };
        return salt.Length == SaltBytes && hash.Length >= 16;
    }

    [GeneratedRegex(@"^\$argon2id\$v=19\$m=(?<m>[0-9]{1,7}),t=(?<t>[0-9]{1,2}),p=1\$(?<salt>[A-Za-z0-9+/]{22})\$(?<hash>[A-Za-z0-9+/]{22,86})$", RegexOptions.CultureInvariant)]
    private static partial Regex PhcPattern();

    // PHC strings use standard base64 without padding.
    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[] FromB64(string text) => Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='));
}
