using System.CommandLine;
using System.Text.Json;

namespace Convergio.Cli;

/// <summary>
/// <c>--output text|json</c>, the same on every command that has it: text for people, one JSON
/// object (camelCase) on stdout for scripts. A refusal in JSON is <c>{"error": "..."}</c>.
/// </summary>
internal static class CliOutput
{
    public static Option<string> Option()
    {
        var format = new Option<string>("--output") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        return format;
    }

    public static bool IsJson(this ParseResult parse, Option<string> format) => parse.GetValue(format) == "json";

    public static Task WriteJsonAsync(TextWriter output, object value) =>
        output.WriteLineAsync(JsonSerializer.Serialize(value, JsonSerializerOptions.Web));

    /// <summary>Why a command refused or stopped (it exits 1 or 2): the line itself, or <c>{"error": line}</c>.</summary>
    public static Task WriteErrorAsync(TextWriter output, bool json, string message) =>
        json ? WriteJsonAsync(output, new { error = message }) : output.WriteLineAsync(message);
}
