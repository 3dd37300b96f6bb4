namespace Convergio.Cli.Baseline;

/// <summary>How a check ended. Only <see cref="Fail"/> makes the command exit 1.</summary>
public enum CheckOutcome
{
    Pass,
    Fail,
    /// <summary>A weakness that does not break the baseline (the production guard's warnings).</summary>
    Warn,
    /// <summary>Not applicable to this run (an option was not given) or not provable from this machine; the evidence says which.</summary>
    Skip,
}

/// <summary>What a check is: a stable id (used by CI annotations and suppressions), a title and a one-line fix.</summary>
public sealed record CheckDefinition(string Id, string Title, string Fix)
{
    public CheckResult Pass(string evidence) => new(this, CheckOutcome.Pass, evidence);
    public CheckResult Fail(string evidence) => new(this, CheckOutcome.Fail, evidence);
    public CheckResult Warn(string evidence) => new(this, CheckOutcome.Warn, evidence);
    public CheckResult Skip(string evidence) => new(this, CheckOutcome.Skip, evidence);

    /// <summary>Pass when every problem list is empty, else fail listing the problems.</summary>
    public CheckResult PassUnless(IReadOnlyCollection<string> problems, string passEvidence) =>
        problems.Count == 0 ? Pass(passEvidence) : Fail(string.Join("; ", problems));
}

public sealed record CheckResult(CheckDefinition Check, CheckOutcome Outcome, string Evidence)
{
    public string Id => Check.Id;
}

/// <summary>One run of <c>baseline check</c> or <c>baseline lint</c>, as every output format renders it.</summary>
public sealed record BaselineReport(
    string Command,
    string Target,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    IReadOnlyList<CheckResult> Results)
{
    public int Count(CheckOutcome outcome) => Results.Count(r => r.Outcome == outcome);

    public bool Passed => Count(CheckOutcome.Fail) == 0;

    public int ExitCode => Passed ? BaselineExitCodes.Passed : BaselineExitCodes.Failed;

    /// <summary>The definitions the results refer to, in first-seen order (SARIF's rule table).</summary>
    public IReadOnlyList<CheckDefinition> Definitions => Results.Select(r => r.Check).DistinctBy(c => c.Id).ToList();
}

public static class BaselineExitCodes
{
    public const int Passed = 0;
    public const int Failed = 1;
    /// <summary>The target cannot be reached, or the arguments are wrong: nothing was proven either way.</summary>
    public const int Unusable = 2;
}
