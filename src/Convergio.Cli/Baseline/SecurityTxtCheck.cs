using System.Globalization;

namespace Convergio.Cli.Baseline;

/// <summary>securitytxt.present: RFC 9116's file, served over HTTPS, with a way to report and a near, future expiry.</summary>
internal sealed class SecurityTxtCheck(TimeProvider time) : ICheckGroup
{
    public IReadOnlyList<CheckDefinition> Checks => [BaselineChecks.SecurityTxt];

    public async Task<IReadOnlyList<CheckResult>> RunAsync(Probe probe, CancellationToken cancellationToken)
    {
        var response = await probe.GetAsync(ConvergioRoutes.SecurityTxt, cancellationToken);
        if (response.Status != 200)
        {
            return [BaselineChecks.SecurityTxt.Fail($"{response}")];
        }

        var fields = response.Body.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2)
            .Select(p => (Name: p[0].Trim(), Value: p[1].Trim()))
            .ToList();
        var contacts = fields.Where(f => f.Name.Equals("Contact", StringComparison.OrdinalIgnoreCase)).Select(f => f.Value).ToList();
        var expires = fields.FirstOrDefault(f => f.Name.Equals("Expires", StringComparison.OrdinalIgnoreCase)).Value;

        var problems = new List<string>();
        if (response.ContentType?.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase) != true)
        {
            problems.Add($"Content-Type is {response.ContentType ?? "absent"}, not text/plain");
        }
        if (contacts.Count == 0)
        {
            problems.Add("no Contact field");
        }
        var now = time.GetUtcNow();
        if (expires is null)
        {
            problems.Add("no Expires field");
        }
        else if (!DateTimeOffset.TryParse(expires, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiry))
        {
            problems.Add($"Expires \"{expires}\" is not an RFC 3339 date");
        }
        else if (expiry <= now)
        {
            problems.Add($"Expires {expires} has passed");
        }
        else if (expiry > now.AddYears(1))
        {
            problems.Add($"Expires {expires} is more than a year ahead");
        }
        return [BaselineChecks.SecurityTxt.PassUnless(problems.Select(p => $"{response}: {p}").ToList(),
            $"Contact: {string.Join(", ", contacts)}; Expires: {expires}")];
    }
}
