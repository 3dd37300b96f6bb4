using System.Globalization;
using System.Security.Cryptography;
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
    Task<string> HashAsync(string password);

    Task<PasswordVerification> VerifyAsync(string password, string phc);

    /// <summary>
    /// A valid hash of a random secret with the configured cost: verifying against it costs
    /// exactly what a real verification costs, so an unknown email takes as long as a wrong password.
    /// </summary>
    string DummyHash { get; }
}

/// <summary>
/// Argon2id via NSec (libsodium), stored as a PHC string
/// <c>$argon2id$v=19$m=19456,t=2,p=1$salt$hash</c>. Hashing holds ~19 MiB for tens of
/// milliseconds, so concurrent hashes are bounded by the core count: a login flood queues
/// instead of exhausting memory.
/// </summary>
public sealed class Argon2idPasswordHasher : IPasswordHasher, IDisposable
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const int Version = 19;

    private readonly PasswordHashingOptions _options;
    private readonly SemaphoreSlim _gate = new(Environment.ProcessorCount, Environment.ProcessorCount);
    private readonly Lazy<string> _dummy;

    public Argon2idPasswordHasher(IOptions<AuthOptions> options)
    {
        _options = options.Value.Password;
        _dummy = new(() => Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)), _options));
    }

    public string DummyHash => _dummy.Value;

    public Task<string> HashAsync(string password) => GatedAsync(() => Hash(password, _options));

    public Task<PasswordVerification> VerifyAsync(string password, string phc) => GatedAsync(() =>
    {
        if (!TryParse(phc, out var cost, out var salt, out var expected))
        {
            return PasswordVerification.Failed;
        }
        var actual = Derive(password, salt, cost, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return PasswordVerification.Failed;
        }
        return cost.MemoryKiB < _options.MemoryKiB || cost.Iterations < _options.Iterations
            ? PasswordVerification.SucceededRehashNeeded
            : PasswordVerification.Succeeded;
    });

    private async Task<T> GatedAsync<T>(Func<T> work)
    {
        await _gate.WaitAsync();
        try
        {
            return await Task.Run(work);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string Hash(string password, PasswordHashingOptions cost)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, cost, HashBytes);
        return string.Create(CultureInfo.InvariantCulture,
            $"$argon2id$v={Version}$m={cost.MemoryKiB},t={cost.Iterations},p={cost.Parallelism}${B64(salt)}${B64(hash)}");
    }

    private static byte[] Derive(string password, byte[] salt, PasswordHashingOptions cost, int length)
    {
        var algorithm = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = cost.Parallelism,
            MemorySize = cost.MemoryKiB,
            NumberOfPasses = cost.Iterations,
        });
        return algorithm.DeriveBytes(password, salt, length);
    }

    /// <summary>Parses the PHC form written by <see cref="Hash"/>; anything else fails verification.</summary>
    internal static bool TryParse(string phc, out PasswordHashingOptions cost, out byte[] salt, out byte[] hash)
    {
        cost = new PasswordHashingOptions();
        salt = hash = [];
        var parts = phc.Split('$');
        if (parts.Length != 6 || parts[0].Length != 0 || parts[1] != "argon2id" || parts[2] != $"v={Version}")
        {
            return false;
        }
        var parameters = parts[3].Split(',').Select(p => p.Split('=')).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parameters.TryGetValue("m", out var m) || !int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var memory)
            || !parameters.TryGetValue("t", out var t) || !int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || !parameters.TryGetValue("p", out var p) || !int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var lanes)
            || lanes != 1 || memory < 8 || iterations < 1)
        {
            return false;
        }
        try
        {
            salt = FromB64(parts[4]);
            hash = FromB64(parts[5]);
        }
        catch (FormatException)
        {
            return false;
        }
        cost = new PasswordHashingOptions { MemoryKiB = memory, Iterations = iterations, Parallelism = lanes };
        return salt.Length == SaltBytes && hash.Length >= 16;
    }

    // PHC strings use standard base64 without padding.
    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[] FromB64(string text) => Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='));

    public void Dispose() => _gate.Dispose();
}
