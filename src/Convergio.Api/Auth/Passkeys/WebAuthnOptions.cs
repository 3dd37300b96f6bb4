using System.ComponentModel.DataAnnotations;
using Convergio.Api.Edge;
using Convergio.Api.Secrets;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Auth.Passkeys;

/// <summary>The WebAuthn relying party: <c>WebAuthn:RpId</c> and the frontend origins allowed to run ceremonies.</summary>
public sealed class WebAuthnOptions
{
    public const string Section = "WebAuthn";

    /// <summary>The relying party id: a registrable domain (e.g. <c>convergio.io</c>) every origin is on.</summary>
    [Required]
    public string RpId { get; set; } = "";

    public string RpName { get; set; } = "Convergio";

    /// <summary>Exact origins (<c>https://app.convergio.io</c>) whose ceremonies are accepted.</summary>
    public List<string> Origins { get; set; } = [];

    /// <summary>Every problem of the settings; https is required when <paramref name="requireHttps"/>.</summary>
    public static IEnumerable<string> Problems(WebAuthnOptions options, bool requireHttps)
    {
        var rpId = options.RpId;
        if (string.IsNullOrWhiteSpace(rpId) || Uri.CheckHostName(rpId) != UriHostNameType.Dns || !string.Equals(rpId, rpId.ToLowerInvariant(), StringComparison.Ordinal))
        {
            yield return $"{Section}:RpId '{rpId}' is not a lower-case domain name (no scheme, port or path).";
            yield break;
        }
        if (options.Origins.Count == 0)
        {
            yield return $"{Section}:Origins is empty; list the frontend origins that may use passkeys.";
        }
        foreach (var origin in options.Origins)
        {
            if (!CorsOrigins.IsExactOrigin(origin, requireHttps))
            {
                yield return $"{Section}:Origins '{origin}' is not an exact {(requireHttps ? "https" : "http(s)")}://host[:port] origin.";
            }
            else if (new Uri(origin).Host is var host && host != rpId && !host.EndsWith("." + rpId, StringComparison.Ordinal))
            {
                yield return $"{Section}:Origins '{origin}' is not on the relying party id '{rpId}'.";
            }
        }
    }
}

/// <summary>Checked at start: a wrong relying party would make every passkey unusable, or accept foreign origins.</summary>
internal sealed class WebAuthnOptionsValidator(IHostEnvironment environment) : IValidateOptions<WebAuthnOptions>
{
    public ValidateOptionsResult Validate(string? name, WebAuthnOptions options)
    {
        var problems = WebAuthnOptions.Problems(options, requireHttps: environment.IsProduction()).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

internal sealed class WebAuthnRule : IProductionRule
{
    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        // Unset, the shipped appsettings.json defaults (convergio.io) apply; anything set must hold in production.
        var section = configuration.GetSection(WebAuthnOptions.Section);
        if (!section.Exists())
        {
            return [];
        }
        var options = section.Get<WebAuthnOptions>() ?? new WebAuthnOptions();
        return WebAuthnOptions.Problems(options, requireHttps: true).Select(p => new GuardFinding(GuardSeverity.Error, "webauthn", p));
    }
}
