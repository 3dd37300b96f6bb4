using System.Text.Json;
using Convergio.Api.Auth;
using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Cli.Tests;

public sealed class AdminCreateCommandTests
{
    private static async Task<TestDatabase> MigratedDatabaseAsync()
    {
        var database = new TestDatabase(Db.Sqlite);
        await MigrateCommand.RunAsync(database.Configuration, json: false, TextWriter.Null, TestContext.Current.CancellationToken);
        return database;
    }

    private static async Task<T> QueryAsync<T>(IConfiguration configuration, Func<ConvergioDb, Task<T>> query)
    {
        await using var services = CliHost.Services(configuration);
        await using var scope = services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ConvergioDb>());
    }

    private static string NewPassword() => "cli-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));

    [Fact]
    public async Task Create_makes_a_new_platform_admin_whose_password_verifies()
    {
        await using var database = await MigratedDatabaseAsync();
        var configuration = database.Configuration;
        var password = NewPassword();
        var output = new StringWriter();

        var exit = await AdminCommand.CreateAsync(configuration, " Root@Example.TEST ", () => password, json: false, output, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        var user = await QueryAsync(configuration, db => db.Users.SingleAsync(u => u.Email == "root@example.test", TestContext.Current.CancellationToken));
        Assert.True(user.IsPlatformAdmin);
        Assert.StartsWith("$argon2id$", user.PasswordHash, StringComparison.Ordinal);
        Assert.DoesNotContain(password, output.ToString(), StringComparison.Ordinal);
        Assert.True(await QueryAsync(configuration, db => db.AuditEvents.AnyAsync(e => e.Action == "admin.user_created" && e.TargetId == user.Id.ToString(), TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Create_with_output_json_reports_the_outcome()
    {
        await using var database = await MigratedDatabaseAsync();
        var output = new StringWriter();

        Assert.Equal(0, await AdminCommand.CreateAsync(database.Configuration, "root@example.test", NewPassword, json: true, output, TestContext.Current.CancellationToken));

        using var json = JsonDocument.Parse(output.ToString());
        Assert.Equal("Created", json.RootElement.GetProperty("outcome").GetString());
        Assert.True(json.RootElement.GetProperty("succeeded").GetBoolean());
    }

    [Fact]
    public async Task Create_with_output_json_on_a_fresh_database_is_an_error_object_saying_run_convergio_migrate()
    {
        await using var database = new TestDatabase(Db.Sqlite);
        var output = new StringWriter();

        Assert.Equal(1, await AdminCommand.CreateAsync(database.Configuration, "root@example.test", NewPassword, json: true, output, TestContext.Current.CancellationToken));

        using var json = JsonDocument.Parse(output.ToString());
        Assert.Contains("run `convergio migrate`", json.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_promotes_an_existing_account_without_asking_for_or_changing_its_password()
    {
        await using var database = await MigratedDatabaseAsync();
        var configuration = database.Configuration;
        Assert.Equal(0, await AdminCommand.CreateAsync(configuration, "someone@example.test", NewPassword, json: false, TextWriter.Null, TestContext.Current.CancellationToken));
        await QueryAsync(configuration, async db =>
        {
            var user = await db.Users.SingleAsync(TestContext.Current.CancellationToken);
            user.IsPlatformAdmin = false;
            return await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        var before = await QueryAsync(configuration, db => db.Users.Select(u => u.PasswordHash).SingleAsync(TestContext.Current.CancellationToken));

        var exit = await AdminCommand.CreateAsync(configuration, "someone@example.test",
            () => throw new InvalidOperationException("No password is needed to promote."), json: false, TextWriter.Null, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        var after = await QueryAsync(configuration, db => db.Users.SingleAsync(TestContext.Current.CancellationToken));
        Assert.True(after.IsPlatformAdmin);
        Assert.Equal(before, after.PasswordHash);
    }

    [Fact]
    public async Task Create_refuses_a_password_the_policy_rejects_and_creates_nothing()
    {
        await using var database = await MigratedDatabaseAsync();
        var configuration = database.Configuration;
        var output = new StringWriter();

        var exit = await AdminCommand.CreateAsync(configuration, "root@example.test", () => "short", json: false, output, TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        Assert.Contains($"at least {PasswordPolicy.MinLength}", output.ToString(), StringComparison.Ordinal);
        Assert.False(await QueryAsync(configuration, db => db.Users.AnyAsync(TestContext.Current.CancellationToken)));
    }
}
