using System.Text.Encodings.Web;
using System.Text.Json;

namespace Convergio.Cli.Baseline;

/// <summary>
/// SARIF 2.1.0, one run: every check is a rule (id, title, fix as help), every result carries
/// ruleId, kind (pass/fail/notApplicable), level and the evidence as its message.
/// </summary>
internal static class SarifReport
{
    public const string Version = "2.1.0";
    public const string Schema = "https://json.schemastore.org/sarif-2.1.0.json";

    public static void Write(BaselineReport report, TextWriter output)
    {
        var rules = report.Definitions.ToList();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", Schema);
            json.WriteString("version", Version);
            json.WriteStartArray("runs");
            json.WriteStartObject();

            json.WriteStartObject("tool");
            json.WriteStartObject("driver");
            json.WriteString("name", ReportWriter.ToolName);
            json.WriteString("version", ReportWriter.ToolVersion);
            json.WriteString("informationUri", "https://convergio.io/docs/baseline-check");
            json.WriteStartArray("rules");
            foreach (var rule in rules)
            {
                json.WriteStartObject();
                json.WriteString("id", rule.Id);
                json.WriteStartObject("shortDescription");
                json.WriteString("text", rule.Title);
                json.WriteEndObject();
                json.WriteStartObject("help");
                json.WriteString("text", rule.Fix);
                json.WriteEndObject();
                json.WriteStartObject("defaultConfiguration");
                json.WriteString("level", "error");
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();

            json.WriteStartArray("invocations");
            json.WriteStartObject();
            json.WriteBoolean("executionSuccessful", true);
            json.WriteString("startTimeUtc", report.StartedAt.UtcDateTime.ToString("O"));
            json.WriteString("endTimeUtc", report.FinishedAt.UtcDateTime.ToString("O"));
            json.WriteEndObject();
            json.WriteEndArray();

            json.WriteStartArray("results");
            foreach (var result in report.Results)
            {
                json.WriteStartObject();
                json.WriteString("ruleId", result.Id);
                json.WriteNumber("ruleIndex", rules.FindIndex(r => r.Id == result.Id));
                json.WriteString("kind", result.Outcome switch
                {
                    CheckOutcome.Pass => "pass",
                    CheckOutcome.Skip => "notApplicable",
                    _ => "fail",
                });
                json.WriteString("level", result.Outcome switch
                {
                    CheckOutcome.Fail => "error",
                    CheckOutcome.Warn => "warning",
                    _ => "none",
                });
                json.WriteStartObject("message");
                json.WriteString("text", result.Outcome is CheckOutcome.Fail or CheckOutcome.Warn
                    ? $"{result.Check.Title}: {result.Evidence}. Fix: {result.Check.Fix}"
                    : $"{result.Check.Title}: {result.Evidence}");
                json.WriteEndObject();
                json.WriteStartArray("locations");
                json.WriteStartObject();
                json.WriteStartObject("physicalLocation");
                json.WriteStartObject("artifactLocation");
                json.WriteString("uri", report.Target);
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
