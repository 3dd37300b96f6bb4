using System.CommandLine;
using System.Text;
using Convergio.Api.Admin;
using Convergio.Api.Audit;
using Convergio.Api.Auth;
using Convergio.Api.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Cli;

/// <summary>
/// <c>convergio admin create --email x</c>: the only way to make a platform administrator. A new account's
/// password is read from standard input when it is redirected, else prompted for twice without echo.
/// </summary>
internal static class AdminCommand
{
    public static Command Create()
    {
        var email = new Option<string>("--email") { Description = "The administrator's email; an existing account is promoted.", Required = true };
        var format = CliOutput.Option();
        var create = new Command("create", "Create a platform administrator, or promote an existing account.") { email, format };
        create.SetAction((parse, cancellationToken) =>
            CreateAsync(CliHost.Configuration(), parse.GetValue(email)!, ReadPassword, parse.IsJson(format), Console.Out, cancellationToken));
        return new Command("admin", "Manage platform administrators.") { create };
    }

    public static async Task<int> CreateAsync(IConfiguration configuration, string email, Func<string?> readPassword, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        await using var services = CliHost.Services(configuration);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        if (await CliHost.SchemaProblemAsync(db, cancellationToken) is { } problem)
        {
            await CliOutput.WriteErrorAsync(output, json, problem);
            return 1;
        }
        var time = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        // The server's hasher with the server's Argon2id cost setting, so the server never needs to rehash it.
        var hashing = new ServiceCollection().AddMetrics().AddSingleton<PasswordHashingGate>().AddSingleton<IPasswordHasher, Argon2idPasswordHasher>();
        hashing.AddOptions<PasswordHashingOptions>().Bind(configuration.GetSection(PasswordHashingOptions.Section));
        await using var hashingServices = hashing.BuildServiceProvider();
        var hasher = hashingServices.GetRequiredService<IPasswordHasher>();
        var admins = new PlatformAdmins(db, hasher, new AuditLog(db, new HttpContextAccessor(), time), time);

        var result = await admins.CreateOrPromoteAsync(email, readPassword, cancellationToken);
        var succeeded = result.Outcome is PlatformAdminOutcome.Created or PlatformAdminOutcome.Promoted or PlatformAdminOutcome.AlreadyAdmin;
        if (json)
        {
            await CliOutput.WriteJsonAsync(output, new { outcome = result.Outcome.ToString(), succeeded, message = result.Message });
        }
        else
        {
            await output.WriteLineAsync(result.Message);
        }
        return succeeded ? 0 : 1;
    }

    private static string? ReadPassword()
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine();
        }
        var password = Prompt("Password: ");
        if (password != Prompt("Repeat password: "))
        {
            Console.Error.WriteLine("The passwords do not match.");
            return null;
        }
        return password;
    }

    private static string Prompt(string label)
    {
        Console.Error.Write(label);
        var typed = new StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                typed.Length = Math.Max(0, typed.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
        Console.Error.WriteLine();
        return typed.ToString();
    }
}
