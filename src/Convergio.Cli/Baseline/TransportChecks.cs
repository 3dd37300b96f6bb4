using System.Globalization;
using System.Text.RegularExpressions;

namespace Convergio.Cli.Baseline;

/// <summary>https.redirect and https.hsts: plaintext is redirected, and browsers are told never to try it again.</summary>
internal sealed partial class TransportChecks : ICheckGroup
{
    private const long OneYearSeconds = 31536000;

    public IReadOnlyList<CheckDefinition> Checks => [BaselineChecks.HttpsRedirect, BaselineChecks.Hsts];

    public async Task<IReadOnlyList<CheckResult>> RunAsync(Probe probe, CancellationToken cancellationToken) =>
        [await RedirectAsync(probe, cancellationToken), Hsts(await probe.GetAsync(ConvergioRoutes.SecurityTxt, cancellationToken))];

    // Not a health path: those answer platform probes over plain HTTP by design.
    private static async Task<CheckResult> RedirectAsync(Probe probe, CancellationToken cancellationToken)
    {
        var https = probe.Url(ConvergioRoutes.SecurityTxt);
        var http = new UriBuilder(https) { Scheme = Uri.UriSchemeHttp, Port = probe.Target.HttpPort }.Uri;
        ProbeResponse response;
        try
        {
            response = await probe.SendAsync(HttpMethod.Get, http, null, [], cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return BaselineChecks.HttpsRedirect.Fail($"GET {http} failed: {e.Message}");
        }

        var location = response.Header("Location");
        var evidence = $"GET {http} → {response.Status}{(location is null ? "" : $", Location: {location}")}";
        var target = location is null ? null : new Uri(http, location);
        var sameResource = target is not null && target.Scheme == Uri.UriSchemeHttps
            && string.Equals(target.Host, https.Host, StringComparison.OrdinalIgnoreCase)
            && target.Port == https.Port && target.AbsolutePath == https.AbsolutePath;
        return response.Status == 301 && sameResource
            ? BaselineChecks.HttpsRedirect.Pass(evidence)
            : BaselineChecks.HttpsRedirect.Fail($"{evidence}; expected 301 to {https}");
    }

    private static CheckResult Hsts(ProbeResponse response)
    {
        var header = response.Header("Strict-Transport-Security");
        if (header is null)
        {
            return BaselineChecks.Hsts.Fail($"{response}: no Strict-Transport-Security header");
        }

        var maxAge = MaxAge().Match(header) is { Success: true } m && long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : -1;
        var subdomains = header.Split(';').Any(d => d.Trim().Equals("includeSubDomains", StringComparison.OrdinalIgnoreCase));
        var problems = new List<string>();
        if (maxAge < OneYearSeconds)
        {
            problems.Add($"max-age {(maxAge < 0 ? "missing" : maxAge.ToString(CultureInfo.InvariantCulture))} is under {OneYearSeconds}");
        }
        if (!subdomains)
        {
            problems.Add("includeSubDomains missing");
        }
        return BaselineChecks.Hsts.PassUnless(problems.Select(p => $"Strict-Transport-Security: {header}: {p}").ToList(), $"Strict-Transport-Security: {header}");
    }

    [GeneratedRegex(@"max-age\s*=\s*""?(\d+)""?", RegexOptions.IgnoreCase)]
    private static partial Regex MaxAge();
}
