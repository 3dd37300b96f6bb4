namespace Convergio.Api.Platform;

public enum GuardSeverity
{
    Error,
    Warning,
}

/// <summary>One broken (error) or weak (warning) production rule.</summary>
public sealed record GuardFinding(GuardSeverity Severity, string Rule, string Message)
{
    public override string ToString() => $"{(Severity == GuardSeverity.Error ? "error" : "warning")} [{Rule}] {Message}";
}

/// <summary>
/// A production rule. A feature writes its rules beside its code and adds them to the one list in
/// Hosting/ProductionRules.cs; the server's start and <c>convergio config lint</c> run that list.
/// </summary>
public interface IProductionRule
{
    IEnumerable<GuardFinding> Check(IConfiguration configuration);
}
