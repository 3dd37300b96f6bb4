using System.CommandLine;
using Convergio.Api.Auth;
using Convergio.Api.Data;
using Convergio.Api.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Cli;

/// <summary>
/// <c>convergio users collisions</c>: the accounts that email normalization (NFKC, invariant lower case,
/// no trailing root dot; <see cref="Emails.Normalize"/>) now takes for one address. They were created
/// apart under an older rule and are listed for an operator to settle, never merged silently; so are
/// accounts stored in an older form and addresses the rule now refuses.
/// </summary>
internal static class UsersCommand
{
    public static Command Create()
    {
        var collisions = new Command("collisions",
            "List accounts whose emails are one address after normalization; exit 1 when there are any.");
        collisions.SetAction((_, cancellationToken) => CollisionsAsync(CliHost.Configuration(), Console.Out, cancellationToken));
        return new Command("users", "Inspect user accounts.") { collisions };
    }

    public static async Task<int> CollisionsAsync(IConfiguration configuration, TextWriter output, CancellationToken cancellationToken)
    {
        await using var services = CliHost.Services(configuration);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        var accounts = await db.Users.AsNoTracking()
            .OrderBy(u => u.CreatedAt).ThenBy(u => u.Id)
            .Select(u => new { u.Id, u.Email, u.CreatedAt })
            .ToListAsync(cancellationToken);

        var groups = accounts.GroupBy(a => Emails.Normalize(a.Email), StringComparer.Ordinal).ToList();
        var colliding = groups.Where(g => g.Count() > 1).ToList();
        foreach (var group in colliding)
        {
            await output.WriteLineAsync($"{group.Key}: {group.Count()} accounts");
            foreach (var account in group)
            {
                await output.WriteLineAsync($"  {account.Id}  created {account.CreatedAt:O}  stored as {Escaped(account.Email)}");
            }
        }
        // Alone under its address but stored in an older form: sign-in (which normalizes) no longer finds it.
        var stale = groups.Where(g => g.Count() == 1 && g.Single().Email != g.Key).Select(g => g.Single()).ToList();
        foreach (var account in stale)
        {
            await output.WriteLineAsync($"{account.Id}: stored as {Escaped(account.Email)}, signs in as {Escaped(Emails.Normalize(account.Email))} only after its row is updated");
        }
        // Zero-width, bidi or control characters: registration refuses these now; an existing one is a look-alike to review.
        var refused = accounts.Where(a => !Emails.IsValid(Emails.Normalize(a.Email))).ToList();
        foreach (var account in refused)
        {
            await output.WriteLineAsync($"{account.Id}: stored as {Escaped(account.Email)}, an address registration now refuses");
        }
        await output.WriteLineAsync($"{colliding.Count} colliding address(es), {colliding.Sum(g => g.Count())} account(s); "
            + $"{stale.Count} account(s) stored in an older form; {refused.Count} account(s) with an address now refused.");
        return colliding.Count > 0 ? 1 : 0;
    }

    // Look-alikes differ in characters a terminal hides or draws the same: print anything beyond ASCII as \uXXXX.
    private static string Escaped(string email) =>
        string.Concat(email.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:X4}"));
}
