namespace Convergio.Cli.Baseline;

/// <summary>A table for people: check, result, evidence; the fix under each failure or warning.</summary>
internal static class TextReport
{
    public static void Write(BaselineReport report, TextWriter output)
    {
        output.WriteLine($"{ReportWriter.ToolName} {report.Command}: {report.Target} ({report.StartedAt:yyyy-MM-dd HH:mm:ss}Z)");
        output.WriteLine();
        var width = Math.Max("CHECK".Length, report.Results.Max(r => (int?)r.Id.Length) ?? 0);
        output.WriteLine($"{"CHECK".PadRight(width)}  RESULT  EVIDENCE");
        foreach (var result in report.Results)
        {
            var word = result.Outcome is CheckOutcome.Fail or CheckOutcome.Warn
                ? ReportWriter.Word(result.Outcome).ToUpperInvariant()
                : ReportWriter.Word(result.Outcome);
            output.WriteLine($"{result.Id.PadRight(width)}  {word,-6}  {result.Evidence}");
            if (result.Outcome is CheckOutcome.Fail or CheckOutcome.Warn)
            {
                output.WriteLine($"{new string(' ', width)}          fix: {result.Check.Fix}");
            }
        }
        output.WriteLine();
        output.WriteLine(ReportWriter.Summary(report));
    }
}
