using Convergio.Api.Hosting;
using Convergio.Api.Platform;
using Convergio.Api.Secrets;
using Microsoft.Extensions.Configuration;
using dotenv.net;

namespace Convergio.Cli.Baseline;

/// <summary>
/// <c>baseline lint</c>: the production guard (the same rules the server runs at start) over an env
/// file or the current environment, reported like <c>baseline check</c> so one CI job covers both.
/// </summary>
public static class BaselineLint
{
    public static readonly CheckDefinition GuardPasses = new("config.production-guard",
        "The configuration passes every production rule",
        "Fix each config.* finding; docs/secrets.md lists the keys.");

    public static BaselineReport Run(IConfiguration configuration, string target, TimeProvider time)
    {
        var started = time.GetUtcNow();
        var results = ProductionGuard.Check(configuration, time).Select(Result).ToList();
        if (results.Count == 0)
        {
            results.Add(GuardPasses.Pass("no production rule is broken or weak"));
        }
        return new BaselineReport("lint", target, started, time.GetUtcNow(), results);
    }

    /// <summary>
    /// An env file's settings in configuration form (<c>Security__SigningKeys__0</c> becomes
    /// <c>Security:SigningKeys:0</c>, as the environment-variable provider does).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> ReadEnvFile(string path) =>
        DotEnv.Fluent()
            .WithEnvFiles(path)
            .WithExceptions()
            .WithTrimValues()
            .WithSupportExportSyntax()
            .Read()
            .ToDictionary(p => p.Key.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal), p => (string?)p.Value, StringComparer.OrdinalIgnoreCase);

    private static CheckResult Result(GuardFinding finding)
    {
        var check = new CheckDefinition($"config.{finding.Rule}", $"Production rule '{finding.Rule}'",
            $"Change the configuration so that rule '{finding.Rule}' holds; the evidence names the key and what it needs.");
        return finding.Severity == GuardSeverity.Error ? check.Fail(finding.Message) : check.Warn(finding.Message);
    }
}
