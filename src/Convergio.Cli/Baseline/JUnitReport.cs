using System.Globalization;
using System.Xml.Linq;

namespace Convergio.Cli.Baseline;

/// <summary>JUnit XML (the Jenkins/GitLab/GitHub-reporter dialect): one test case per check, classname its area.</summary>
internal static class JUnitReport
{
    public static void Write(BaselineReport report, TextWriter output)
    {
        var seconds = (report.FinishedAt - report.StartedAt).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var suiteName = $"{ReportWriter.ToolName} {report.Command}";
        var suite = new XElement("testsuite",
            new XAttribute("name", suiteName),
            new XAttribute("tests", report.Results.Count),
            new XAttribute("failures", report.Count(CheckOutcome.Fail)),
            new XAttribute("errors", 0),
            new XAttribute("skipped", report.Count(CheckOutcome.Skip)),
            new XAttribute("timestamp", report.StartedAt.UtcDateTime.ToString("s", CultureInfo.InvariantCulture)),
            new XAttribute("time", seconds),
            new XElement("properties", new XElement("property", new XAttribute("name", "target"), new XAttribute("value", report.Target))),
            report.Results.Select(TestCase));
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("testsuites",
                new XAttribute("name", suiteName),
                new XAttribute("tests", report.Results.Count),
                new XAttribute("failures", report.Count(CheckOutcome.Fail)),
                new XAttribute("errors", 0),
                new XAttribute("skipped", report.Count(CheckOutcome.Skip)),
                new XAttribute("time", seconds),
                suite));
        output.WriteLine(document.Declaration);
        output.WriteLine(document.Root);
    }

    private static XElement TestCase(CheckResult result)
    {
        var testCase = new XElement("testcase",
            new XAttribute("classname", result.Id.Split('.')[0]),
            new XAttribute("name", $"{result.Id}: {result.Check.Title}"),
            new XAttribute("time", 0));
        testCase.Add(result.Outcome switch
        {
            CheckOutcome.Fail => new XElement("failure",
                new XAttribute("message", result.Evidence),
                new XAttribute("type", result.Id),
                $"{result.Evidence}\nFix: {result.Check.Fix}"),
            CheckOutcome.Skip => new XElement("skipped", new XAttribute("message", result.Evidence)),
            CheckOutcome.Warn => new XElement("system-out", $"warning: {result.Evidence}\nFix: {result.Check.Fix}"),
            _ => new XElement("system-out", result.Evidence),
        });
        return testCase;
    }
}
