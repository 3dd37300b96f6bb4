using System.CommandLine;
using System.CommandLine.Parsing;
using Convergio.Api.Audit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Cli;

/// <summary><c>convergio audit verify</c>: proves the audit hash chain whole, or names its first broken link.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var anchor = new Option<AuditAnchor?>("--anchor")
        {
            Description = "SEQ:HASH printed by an earlier verify and kept outside the database; the chain must still hold that event unchanged.",
            CustomParser = ParseAnchor,
        };
        var format = CliOutput.Option();
        var verify = new Command("verify", "Walk the audit hash chain in order; report the first broken link and exit 1 when there is one.") { anchor, format };
        verify.SetAction((parse, cancellationToken) => VerifyAsync(CliHost.Configuration(), parse.GetValue(anchor), parse.IsJson(format), Console.Out, cancellationToken));
        return new Command("audit", "Inspect the audit trail.") { verify };
    }

    public static async Task<int> VerifyAsync(IConfiguration configuration, AuditAnchor? anchor, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        await using var services = CliHost.Services(configuration);
        await using var scope = services.CreateAsyncScope();
        if (await CliHost.SchemaProblemAsync(scope.ServiceProvider.GetRequiredService<Convergio.Api.Data.ConvergioDb>(), cancellationToken) is { } problem)
        {
            await CliOutput.WriteErrorAsync(output, json, problem);
            return 1;
        }
        var report = await scope.ServiceProvider.GetRequiredService<AuditChainVerifier>().VerifyAsync(anchor, cancellationToken);
        if (json)
        {
            // The head, like the text's --anchor line, is what a later run is checked against.
            await CliOutput.WriteJsonAsync(output, new
            {
                intact = report.FirstBreak is null,
                report.EventsChecked,
                report.FirstSeq,
                report.HeadSeq,
                report.HeadHash,
                report.Unsealed,
                anchor = anchor?.ToString(),
                head = report.HeadSeq is { } seq && report.FirstBreak is null ? new AuditAnchor(seq, report.HeadHash!).ToString() : null,
                firstBreak = report.FirstBreak,
            });
            return report.FirstBreak is null ? 0 : 1;
        }
        if (report.FirstBreak is { } broken)
        {
            await output.WriteLineAsync($"Audit chain BROKEN at event seq {broken.Seq}: {broken.Problem}.");
            await output.WriteLineAsync($"  expected: {broken.Expected}");
            await output.WriteLineAsync($"  found:    {broken.Found}");
            await output.WriteLineAsync($"{report.EventsChecked} event(s) before it verified.");
            return 1;
        }
        // Not yet sealed is not a failure: the server's sealer chains them within Audit:SealInterval.
        var unsealed = report.Unsealed > 0 ? $" {report.Unsealed} event(s) not yet sealed, not checked." : "";
        if (report.HeadSeq is not { } headSeq)
        {
            await output.WriteLineAsync($"Audit chain is empty.{unsealed}");
            return 0;
        }
        await output.WriteLineAsync($"Audit chain intact: {report.EventsChecked} sealed event(s), seq {report.FirstSeq}..{headSeq}; head hash {report.HeadHash}.{unsealed}");
        if (anchor is not null)
        {
            await output.WriteLineAsync($"Anchor {anchor} holds.");
        }
        // Kept outside the database, the head lets a later run catch a chain rewritten wholesale or cut short.
        await output.WriteLineAsync($"Record the head to check later runs against: --anchor {new AuditAnchor(headSeq, report.HeadHash!)}");
        return 0;
    }

    private static AuditAnchor? ParseAnchor(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value.Trim() : "";
        if (AuditAnchor.TryParse(text, out var anchor))
        {
            return anchor;
        }
        result.AddError($"--anchor must be SEQ:HASH (an event seq and its 64-hex-digit hash, as verify prints it), not '{text}'.");
        return null;
    }
}
