using System.CommandLine;
using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Cli;

/// <summary><c>convergio migrate</c>: brings the configured database's schema up to date, or with <c>--status</c> lists what is pending.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var status = new Option<bool>("--status") { Description = "List pending migrations without applying them; exit 1 when any is pending." };
        var format = CliOutput.Option();
        var command = new Command("migrate", "Apply pending database migrations (PostgreSQL when ConnectionStrings__Postgres is set, else SQLite).") { status, format };
        command.SetAction((parse, cancellationToken) => parse.GetValue(status)
            ? StatusAsync(CliHost.Configuration(), parse.IsJson(format), Console.Out, cancellationToken)
            : RunAsync(CliHost.Configuration(), parse.IsJson(format), Console.Out, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(IConfiguration configuration, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        await using var services = CliHost.Services(configuration);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        if (json)
        {
            await CliOutput.WriteJsonAsync(output, new { applied = pending, pending = Array.Empty<string>() });
        }
        else
        {
            await output.WriteLineAsync(pending.Count == 0 ? "Database schema is up to date." : $"Applied {pending.Count} migration(s): {string.Join(", ", pending)}");
        }
        return 0;
    }

    /// <summary>Exit 0 when the schema is current, 1 when migrations are pending (listed one a line).</summary>
    public static async Task<int> StatusAsync(IConfiguration configuration, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        await using var services = CliHost.Services(configuration);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (json)
        {
            await CliOutput.WriteJsonAsync(output, new { applied, pending });
        }
        else
        {
            await output.WriteLineAsync(pending.Count == 0
                ? $"Database schema is up to date ({applied.Count} migration(s) applied)."
                : $"{pending.Count} pending migration(s):{Environment.NewLine}{string.Join(Environment.NewLine, pending.Select(m => "  " + m))}");
        }
        return pending.Count == 0 ? 0 : 1;
    }
}
