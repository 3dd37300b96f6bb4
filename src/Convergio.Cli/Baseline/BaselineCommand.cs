using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Convergio.Cli.Baseline;

/// <summary>
/// <c>convergio baseline check</c> (a live deployment, from the outside) and <c>convergio baseline lint</c>
/// (the configuration). Exit codes: 0 every check passed, 1 a check failed, 2 the target was
/// unreachable or the arguments were wrong.
/// </summary>
public static class BaselineCommand
{
    public static Command Create() =>
        new("baseline", "Verify the production baseline: a live deployment (check) or a configuration (lint).")
        {
            CheckCommand(),
            LintCommand(),
        };

    /// <summary>--format and --output, shared by check and lint.</summary>
    private sealed class ReportOptions
    {
        public Option<string> Format { get; } = new("--format")
        {
            Description = "Report format: text (a table), json (docs/baseline-check.md), sarif (2.1.0), junit (XML).",
            DefaultValueFactory = _ => "text",
        };

        public Option<string?> Output { get; } = new("--output") { Description = "Write the report to this file instead of stdout." };

        public ReportOptions() => Format.AcceptOnlyFromAmong("text", "json", "sarif", "junit");

        /// <summary>The report to --output (with a summary line on stdout) or to stdout; the exit code from the results.</summary>
        public int Emit(BaselineReport report, ParseResult parse, TextWriter output)
        {
            var format = Enum.Parse<ReportFormat>(parse.GetValue(Format)!, ignoreCase: true);
            if (parse.GetValue(Output) is { } path)
            {
                using (var file = new StreamWriter(path))
                {
                    ReportWriter.Write(report, format, file);
                }
                output.WriteLine($"{ReportWriter.Summary(report)}; report written to {path}");
            }
            else
            {
                ReportWriter.Write(report, format, output);
            }
            return report.ExitCode;
        }
    }

    private static Command CheckCommand()
    {
        var apiBase = new Argument<string>("api-base-url") { Description = "The API's base URL: https://, or http:// to grade a plain-HTTP deployment (its TLS and HTTPS checks fail)." };
        var frontend = new Option<string?>("--frontend") { Description = "The frontend's URL; its HTML must have a nonce- or hash-based CSP." };
        var origin = new Option<string?>("--origin") { Description = "An origin the deployment allows for CORS (the frontend's)." };
        var credentials = new Option<string?>("--credentials-file") { Description = "JSON {\"email\", \"password\"} of a test account, for the cookie and CSRF checks." };
        var insecure = new Option<bool>("--insecure") { Description = "Accept any TLS certificate (tls.certificate-valid is then skipped)." };
        var caFile = new Option<string?>("--ca-file") { Description = "PEM or DER certificate(s) to trust as roots in addition to the system's (a private CA)." };
        var httpPort = new Option<int>("--http-port") { Description = "Port where plain HTTP must redirect to HTTPS.", DefaultValueFactory = _ => 80 };
        var timeout = new Option<TimeSpan>("--timeout")
        {
            Description = "Per request and handshake: 10s, 500ms, 1m.",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
            CustomParser = ParseDuration,
        };
        var report = new ReportOptions();
        var command = new Command("check", "Probe a live deployment against the production checklist.")
        {
            apiBase, frontend, origin, credentials, report.Format, report.Output, insecure, caFile, httpPort, timeout,
        };
        command.Action = new BaselineAction(async (parse, output, error, cancellationToken) =>
        {
            var target = new BaselineTarget
            {
                ApiBase = AbsoluteUrl(parse.GetValue(apiBase)!, "api-base-url"),
                Frontend = parse.GetValue(frontend) is { } f ? AbsoluteUrl(f, "--frontend") : null,
                AllowedOrigin = parse.GetValue(origin) is { } o ? Origin(o) : null,
                Account = parse.GetValue(credentials) is { } c ? ReadAccount(c) : null,
                Insecure = parse.GetValue(insecure),
                TrustedRoots = parse.GetValue(caFile) is { } ca ? ReadRoots(ca) : [],
                HttpPort = parse.GetValue(httpPort) is var port and > 0 and < 65536 ? port : throw new ArgumentException("--http-port must be 1-65535."),
                Timeout = parse.GetValue(timeout),
            };
            var total = BaselineChecks.All.Count;
            var done = 0;
            var checker = new BaselineChecker(target, TimeProvider.System)
            {
                // Progress is for a person watching; logs and pipes get only the report.
                Progress = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected
                    ? r => error.WriteLine($"[{++done,2}/{total}] {ReportWriter.Word(r.Outcome),-4}  {r.Id}")
                    : null,
            };
            try
            {
                return report.Emit(await checker.RunAsync(cancellationToken), parse, output);
            }
            catch (TargetUnreachableException e)
            {
                await error.WriteLineAsync(e.Message);
                return BaselineExitCodes.Unusable;
            }
        });
        return command;
    }

    /// <summary>Also <c>convergio config lint</c> (the older name).</summary>
    internal static Command LintCommand()
    {
        var envFile = new Option<string?>("--env-file") { Description = "Lint this env file (KEY=value lines, environment-variable names) instead of the current environment." };
        var report = new ReportOptions();
        var command = new Command("lint", "Check a configuration against every production rule (the server's start-up guard).")
        {
            envFile, report.Format, report.Output,
        };
        command.Action = new BaselineAction((parse, output, _, _) =>
        {
            var path = parse.GetValue(envFile);
            if (path is not null && !File.Exists(path))
            {
                throw new ArgumentException($"--env-file {path} does not exist.");
            }
            var configuration = path is null
                ? CliHost.Configuration()
                : CliHost.Configuration(BaselineLint.ReadEnvFile(path), includeEnvironment: false);
            return Task.FromResult(report.Emit(BaselineLint.Run(configuration, path ?? "environment", TimeProvider.System), parse, output));
        });
        return command;
    }

    private static TimeSpan ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value.Trim() : "";
        (string Suffix, Func<double, TimeSpan> Make)[] units = [("ms", TimeSpan.FromMilliseconds), ("s", TimeSpan.FromSeconds), ("m", TimeSpan.FromMinutes)];
        foreach (var (suffix, make) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0)
            {
                return make(amount);
            }
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }
        result.AddError($"--timeout '{text}' is not a duration such as 10s, 500ms or 1m.");
        return default;
    }

    private static Uri AbsoluteUrl(string value, string name) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new ArgumentException($"{name} '{value}' is not an absolute http(s) URL.");

    private static string Origin(string value)
    {
        var uri = AbsoluteUrl(value, "--origin");
        return uri.AbsolutePath == "/" && uri.Query.Length == 0
            ? uri.GetLeftPart(UriPartial.Authority)
            : throw new ArgumentException($"--origin '{value}' must be an origin (scheme://host[:port]) without a path.");
    }

    private static TestAccount ReadAccount(string path)
    {
        try
        {
            var account = JsonSerializer.Deserialize<TestAccount>(File.ReadAllText(path), JsonSerializerOptions.Web);
            return account is { Email.Length: > 0, Password.Length: > 0 }
                ? account
                : throw new ArgumentException($"--credentials-file {path} needs \"email\" and \"password\".");
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--credentials-file {path}: {e.Message}", e);
        }
    }

    private static X509Certificate2Collection ReadRoots(string path)
    {
        try
        {
            var roots = new X509Certificate2Collection();
            if (File.ReadAllText(path).Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                roots.ImportFromPemFile(path);
            }
            else
            {
                roots.Add(X509CertificateLoader.LoadCertificateFromFile(path));
            }
            return roots;
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--ca-file {path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Sees parse errors itself (ClearsParseErrors) so that wrong arguments exit 2, as the issue
    /// specifies, rather than System.CommandLine's default 1, which here means "a check failed".
    /// </summary>
    private sealed class BaselineAction(Func<ParseResult, TextWriter, TextWriter, CancellationToken, Task<int>> run) : AsynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default)
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var problems = parseResult.Errors.Select(e => e.Message)
                .Concat(parseResult.UnmatchedTokens.Select(t => $"Unrecognized argument '{t}'."))
                .ToList();
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await error.WriteLineAsync(problem);
                }
                return BaselineExitCodes.Unusable;
            }
            try
            {
                return await run(parseResult, output, error, cancellationToken);
            }
            catch (ArgumentException e)
            {
                await error.WriteLineAsync(e.Message);
                return BaselineExitCodes.Unusable;
            }
        }
    }
}
