using System.Collections.Concurrent;
using Convergio.Api.Secrets;
using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.Primitives;

namespace Convergio.Api.Observability;

/// <summary>
/// How logged values are classified. Mark a <c>[LoggerMessage]</c> parameter with
/// <see cref="PersonalDataAttribute"/> (emails, IP addresses, user agents: pseudonymised) or
/// <see cref="SecretDataAttribute"/> (anything that grants access: erased); unknown classifications are erased too.
/// </summary>
public static class ConvergioTaxonomy
{
    public const string Name = "Convergio";

    public static DataClassification PersonalData => new(Name, nameof(PersonalData));

    public static DataClassification SecretData => new(Name, nameof(SecretData));
}

/// <summary>Identifies a person (email, IP address, user agent): logged as a keyed pseudonym.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
public sealed class PersonalDataAttribute() : DataClassificationAttribute(ConvergioTaxonomy.PersonalData);

/// <summary>Grants access (password, token, key, cookie): never written to a log.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecretDataAttribute() : DataClassificationAttribute(ConvergioTaxonomy.SecretData);

/// <summary>
/// Replaces personal data with a short HMAC under the signing key ring: the same person gives the same
/// pseudonym across log lines and instances (so incidents can be correlated) without the value being recoverable.
/// </summary>
internal sealed class PseudonymRedactor : Redactor
{
    private const string Purpose = "log-pseudonym";
    private const int Length = 16;

    // The same addresses and agents come back request after request: their pseudonyms are kept
    // (bounded) so the access log does not compute a MAC per line.
    private const int MaxRemembered = 4096;

    private readonly SigningKeyRing _keys;
    private readonly ConcurrentDictionary<string, string> _remembered = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public PseudonymRedactor(SigningKeyRing keys, IConfiguration configuration)
    {
        _keys = keys;
        _lookup = _remembered.GetAlternateLookup<ReadOnlySpan<char>>();
        // A reloaded configuration may bring a new signing key, hence new pseudonyms.
        ChangeToken.OnChange(configuration.GetReloadToken, _remembered.Clear);
    }

    // Fixed by construction ("~" and the first Length characters of a 43-character MAC), so the
    // length needs no MAC: Redactor.Redact asks for it before every Redact call.
    public override int GetRedactedLength(ReadOnlySpan<char> input) => input.IsEmpty ? 0 : 1 + Length;

    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        var pseudonym = Pseudonym(source);
        pseudonym.CopyTo(destination);
        return pseudonym.Length;
    }

    private string Pseudonym(ReadOnlySpan<char> input)
    {
        if (input.IsEmpty)
        {
            return "";
        }
        if (_lookup.TryGetValue(input, out var remembered))
        {
            return remembered;
        }
        var pseudonym = "~" + _keys.Sign(Purpose, input.ToString())[..Length];
        if (_remembered.Count >= MaxRemembered)
        {
            _remembered.Clear();
        }
        _lookup.TryAdd(input, pseudonym);
        return pseudonym;
    }
}
