using Convergio.Api.Auth;
using Convergio.Api.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Cli.Tests;

public sealed class UsersCollisionsCommandTests
{
    /// <summary>Rows as an older rule (trim and lower case only) stored them.</summary>
    private static async Task<TestDatabase> DatabaseWithAsync(Db db, params string[] storedEmails)
    {
        var database = new TestDatabase(db);
        await MigrateCommand.RunAsync(database.Configuration, json: false, TextWriter.Null, TestContext.Current.CancellationToken);
        await using var services = CliHost.Services(database.Configuration);
        await using var scope = services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        var created = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var email in storedEmails)
        {
            created = created.AddMinutes(1);
            context.Users.Add(new User { Id = Guid.NewGuid(), Email = email, PasswordHash = "$argon2id$placeholder", CreatedAt = created, UpdatedAt = created });
        }
        await context.SaveChangesAsync(TestContext.Current.CancellationToken);
        return database;
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Collisions_lists_every_account_of_an_address_spelled_apart_and_exits_1(Db db)
    {
        await using var database = await DatabaseWithAsync(db,
            "ada@example.test", "\uFF41da@example.test", "ada@example.test.", "a\u200Bda@example.test", "bob@example.test");
        var output = new StringWriter();

        var exit = await UsersCommand.CollisionsAsync(database.Configuration, output, TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        var text = output.ToString();
        Assert.Contains("ada@example.test: 3 accounts", text, StringComparison.Ordinal);
        Assert.Contains("stored as \\uFF41da@example.test", text, StringComparison.Ordinal);
        Assert.Contains("stored as ada@example.test.", text, StringComparison.Ordinal);
        Assert.Contains("stored as a\\u200Bda@example.test, an address registration now refuses", text, StringComparison.Ordinal);
        Assert.DoesNotContain("bob@example.test", text, StringComparison.Ordinal);
        Assert.Contains("1 colliding address(es), 3 account(s)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collisions_exits_0_without_colliding_accounts_and_names_rows_stored_in_an_older_form()
    {
        await using var database = await DatabaseWithAsync(Db.Sqlite, "ada@example.test", "\uFF42ob@example.test");
        var output = new StringWriter();

        var exit = await UsersCommand.CollisionsAsync(database.Configuration, output, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        Assert.Contains("stored as \\uFF42ob@example.test, signs in as bob@example.test", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("0 colliding address(es), 0 account(s); 1 account(s) stored in an older form; 0 account(s) with an address now refused.", output.ToString(), StringComparison.Ordinal);
    }
}
