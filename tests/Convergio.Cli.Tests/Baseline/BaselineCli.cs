using System.CommandLine;
using Convergio.Cli.Baseline;

namespace Convergio.Cli.Tests.Baseline;

/// <summary>Runs <c>convergio baseline …</c> through the real command-line parser, capturing stdout and stderr.</summary>
public static class BaselineCli
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand { BaselineCommand.Create() };
        var exitCode = await root.Parse(["baseline", .. args]).InvokeAsync(
            new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>The arguments that tell the checker everything about a reference server.</summary>
    public static string[] CheckArguments(ReferenceServer server)
    {
        var directory = Directory.CreateTempSubdirectory("convergio-baseline-").FullName;
        var credentials = Path.Combine(directory, "account.json");
        File.WriteAllText(credentials, System.Text.Json.JsonSerializer.Serialize(new { email = server.Account.Email, password = server.Account.Password }));
        return
        [
            "check", server.BaseUrl.ToString(),
            "--http-port", server.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--ca-file", TestCertificates.WritePem(server.Certificate),
            "--origin", ReferenceServer.AllowedOrigin,
            "--frontend", server.FrontendUrl.ToString(),
            "--credentials-file", credentials,
            "--timeout", "10s",
        ];
    }

    public static string TempFile(string name) => Path.Combine(Directory.CreateTempSubdirectory("convergio-baseline-").FullName, name);
}
