namespace Convergio.Cli.Baseline;

public enum ReportFormat
{
    Text,
    Json,
    Sarif,
    Junit,
}

/// <summary>Renders a report in the chosen format. Every format carries every result, passes included.</summary>
public static class ReportWriter
{
    public const string ToolName = "convergio baseline";

    public static string ToolVersion => typeof(ReportWriter).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";

    public static void Write(BaselineReport report, ReportFormat format, TextWriter output)
    {
        switch (format)
        {
            case ReportFormat.Json:
                JsonReport.Write(report, output);
                break;
            case ReportFormat.Sarif:
                SarifReport.Write(report, output);
                break;
            case ReportFormat.Junit:
                JUnitReport.Write(report, output);
                break;
            default:
                TextReport.Write(report, output);
                break;
        }
    }

    /// <summary>"21 passed, 1 failed, 0 warnings, 2 skipped".</summary>
    public static string Summary(BaselineReport report) =>
        $"{report.Count(CheckOutcome.Pass)} passed, {report.Count(CheckOutcome.Fail)} failed, " +
        $"{report.Count(CheckOutcome.Warn)} warnings, {report.Count(CheckOutcome.Skip)} skipped";

    public static string Word(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Pass => "pass",
        CheckOutcome.Fail => "fail",
        CheckOutcome.Warn => "warn",
        _ => "skip",
    };
}
