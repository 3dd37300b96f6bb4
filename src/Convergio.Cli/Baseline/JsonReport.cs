using System.Text.Encodings.Web;
using System.Text.Json;

namespace Convergio.Cli.Baseline;

/// <summary>The stable JSON document of docs/baseline-check.md (schemaVersion 1): fields are only ever added.</summary>
internal static class JsonReport
{
    public const int SchemaVersion = 1;

    public static void Write(BaselineReport report, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", SchemaVersion);
            json.WriteString("tool", ReportWriter.ToolName);
            json.WriteString("toolVersion", ReportWriter.ToolVersion);
            json.WriteString("command", report.Command);
            json.WriteString("target", report.Target);
            json.WriteString("startedAt", report.StartedAt.UtcDateTime.ToString("O"));
            json.WriteString("finishedAt", report.FinishedAt.UtcDateTime.ToString("O"));
            json.WriteBoolean("passed", report.Passed);
            json.WriteNumber("exitCode", report.ExitCode);
            json.WriteStartObject("summary");
            foreach (var outcome in Enum.GetValues<CheckOutcome>())
            {
                json.WriteNumber(ReportWriter.Word(outcome), report.Count(outcome));
            }
            json.WriteEndObject();
            json.WriteStartArray("checks");
            foreach (var result in report.Results)
            {
                json.WriteStartObject();
                json.WriteString("id", result.Id);
                json.WriteString("title", result.Check.Title);
                json.WriteString("outcome", ReportWriter.Word(result.Outcome));
                json.WriteString("evidence", result.Evidence);
                json.WriteString("fix", result.Check.Fix);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
