using Convergio.Api.Edge;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Auth.Passkeys;

/// <summary>The WebAuthn relying party: <c>WebAuthn:RpId</c> and the frontend origins allowed to run ceremonies.</summary>
public sealed class WebAuthnOptions
{
    public const string Section = "WebAuthn";

    /// <summary>The relying party id: a registrable domain every origin is on.</summary>
    public string RpId { get; set; } = "convergio.io";

    public string RpName { get; set; } = "Convergio";

    /// <summary>
    /// Exact origins (<c>https://app.convergio.io</c>) whose ceremonies are accepted. Unset, the CORS
    /// allowlist: the frontends allowed to call the API are the ones that run passkey ceremonies
    /// (in Production never empty; elsewhere, with neither set, no ceremony can succeed).
    /// </summary>
    public List<string> Origins { get; set; } = [];

    /// <summary>The options as configured, with the CORS allowlist standing in for unset origins.</summary>
    public static WebAuthnOptions Read(IConfiguration configuration, bool production)
    {
        var options = configuration.GetSection(Section).Get<WebAuthnOptions>() ?? new WebAuthnOptions();
        ApplyDefaultOrigins(options, configuration, production);
        return options;
    }

    /// <summary>
    /// Unset origins become the CORS origins on the relying party id (a browser refuses a relying
    /// party id its origin is not on, so the others could never complete a ceremony anyway).
    /// </summary>
    public static void ApplyDefaultOrigins(WebAuthnOptions options, IConfiguration configuration, bool production)
    {
        if (options.Origins.Count == 0)
        {
            options.Origins.AddRange(CorsOrigins.Read(configuration, production)
                .Where(origin => CorsOrigins.IsExactOrigin(origin, requireHttps: production) && IsOn(new Uri(origin).Host, options.RpId)));
        }
    }

    private static bool IsOn(string host, string rpId) => host == rpId || host.EndsWith("." + rpId, StringComparison.Ordinal);

    /// <summary>Every problem of the settings; https is required when <paramref name="requireHttps"/>.</summary>
    public static IEnumerable<string> Problems(WebAuthnOptions options, bool requireHttps)
    {
        var rpId = options.RpId;
        if (string.IsNullOrWhiteSpace(rpId) || Uri.CheckHostName(rpId) != UriHostNameType.Dns || !string.Equals(rpId, rpId.ToLowerInvariant(), StringComparison.Ordinal))
        {
            yield return $"{Section}:RpId '{rpId}' is not a lower-case domain name (no scheme, port or path).";
            yield break;
        }
        foreach (var origin in options.Origins)
        {
            if (!CorsOrigins.IsExactOrigin(origin, requireHttps))
            {
                yield return $"{Section}:Origins '{origin}' is not an exact {(requireHttps ? "https" : "http(s)")}://host[:port] origin.";
            }
            else if (!IsOn(new Uri(origin).Host, rpId))
            {
                yield return $"{Section}:Origins '{origin}' is not on the relying party id '{rpId}'.";
            }
        }
    }
}

/// <summary>
/// Checked at start: a wrong relying party would make every passkey unusable, or accept foreign
/// origins. In Production the production guard checks the same rules (with https), so the
/// refusal to start lists them together with every other problem.
/// </summary>
internal sealed class WebAuthnOptionsValidator(IHostEnvironment environment) : IValidateOptions<WebAuthnOptions>
{
    public ValidateOptionsResult Validate(string? name, WebAuthnOptions options)
    {
        if (environment.IsProduction())
        {
            return ValidateOptionsResult.Success;
        }
        var problems = WebAuthnOptions.Problems(options, requireHttps: false).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

internal sealed class WebAuthnRule : IProductionRule
{
    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        var options = WebAuthnOptions.Read(configuration, production: true);
        var findings = WebAuthnOptions.Problems(options, requireHttps: true).Select(p => new GuardFinding(GuardSeverity.Error, "webauthn", p)).ToList();
        if (findings.Count == 0 && options.Origins.Count == 0)
        {
            findings.Add(new(GuardSeverity.Warning, "webauthn",
                $"No allowed origin is on {WebAuthnOptions.Section}:RpId '{options.RpId}', so passkeys cannot work; set {WebAuthnOptions.Section}:RpId and {WebAuthnOptions.Section}:Origins."));
        }
        return findings;
    }
}
