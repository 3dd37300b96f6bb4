using System.CommandLine;
using Convergio.Api.Audit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Cli;

/// <summary><c>convergio audit verify</c>: proves the audit hash chain whole, or names its first broken link.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var verify = new Command("verify", "Walk the audit hash chain in order; report the first broken link and exit 1 when there is one.");
        verify.SetAction((_, cancellationToken) => VerifyAsync(CliHost.Configuration(), Console.Out, cancellationToken));
        return new Command("audit", "Inspect the audit trail.") { verify };
    }

    public static async Task<int> VerifyAsync(IConfiguration configuration, TextWriter output, CancellationToken cancellationToken)
    {
        await using var services = CliHost.Services(configuration);
        await using var scope = services.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<AuditChainVerifier>().VerifyAsync(cancellationToken);
        if (report.FirstBreak is { } broken)
        {
            await output.WriteLineAsync($"Audit chain BROKEN at event {broken.Id}: {broken.Problem}.");
            await output.WriteLineAsync($"  expected: {broken.Expected}");
            await output.WriteLineAsync($"  found:    {broken.Found}");
            await output.WriteLineAsync($"{report.EventsChecked} event(s) before it verified.");
            return 1;
        }
        if (report.HeadId is null)
        {
            await output.WriteLineAsync("Audit chain is empty.");
            return 0;
        }
        // Recording the head elsewhere (a ticket, a log archive) lets a later run show the chain was not rewritten wholesale.
        await output.WriteLineAsync($"Audit chain intact: {report.EventsChecked} event(s), ids {report.FirstId}..{report.HeadId}; head hash {report.HeadHash}.");
        return 0;
    }
}
