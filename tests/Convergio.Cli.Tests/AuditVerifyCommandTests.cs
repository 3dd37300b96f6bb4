using System.CommandLine;
using System.Text.Json;
using Convergio.Api.Audit;
using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Convergio.Cli.Tests;

public sealed class AuditVerifyCommandTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Verify_passes_an_intact_chain_and_prints_its_head(Db db)
    {
        await using var database = new TestDatabase(db);
        var hashes = await SeedAsync(database, 4);
        var output = new StringWriter();

        var exitCode = await AuditCommand.VerifyAsync(database.Configuration, null, json: false, output, TestContext.Current.CancellationToken);

        Assert.Equal(0, exitCode);
        Assert.Contains("intact: 4 sealed event(s), seq 1..4", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(hashes[^1], output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Verify_finds_a_row_edited_in_the_database_and_exits_1(Db db)
    {
        await using var database = new TestDatabase(db);
        var hashes = await SeedAsync(database, 5);
        await using (var services = CliHost.Services(database.Configuration))
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ConvergioDb>().Database
                .ExecuteSqlRawAsync("UPDATE audit_events SET action = 'auth.login.succeeded' WHERE seq = 2", TestContext.Current.CancellationToken);
        }
        var output = new StringWriter();

        var exitCode = await AuditCommand.VerifyAsync(database.Configuration, null, json: false, output, TestContext.Current.CancellationToken);

        Assert.Equal(1, exitCode);
        var text = output.ToString();
        Assert.Contains("BROKEN at event seq 2: hash does not match the event's content", text, StringComparison.Ordinal);
        Assert.Contains($"found:    {hashes[1]}", text, StringComparison.Ordinal);
        Assert.Contains("1 event(s) before it verified", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_with_output_json_reports_an_intact_chain_and_its_head()
    {
        await using var database = new TestDatabase(Db.Sqlite);
        var hashes = await SeedAsync(database, 3);
        var output = new StringWriter();

        Assert.Equal(0, await AuditCommand.VerifyAsync(database.Configuration, null, json: true, output, TestContext.Current.CancellationToken));

        using var json = JsonDocument.Parse(output.ToString());
        Assert.True(json.RootElement.GetProperty("intact").GetBoolean());
        Assert.Equal(3, json.RootElement.GetProperty("eventsChecked").GetInt64());
        Assert.Equal(hashes[^1], json.RootElement.GetProperty("headHash").GetString());
        Assert.Equal($"3:{hashes[^1]}", json.RootElement.GetProperty("head").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("firstBreak").ValueKind);
    }

    [Fact]
    public async Task Verify_with_output_json_names_the_first_broken_link_and_exits_1()
    {
        await using var database = new TestDatabase(Db.Sqlite);
        await SeedAsync(database, 3);
        await using (var services = CliHost.Services(database.Configuration))
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ConvergioDb>().Database
                .ExecuteSqlRawAsync("UPDATE audit_events SET action = 'auth.login.succeeded' WHERE seq = 2", TestContext.Current.CancellationToken);
        }
        var output = new StringWriter();

        Assert.Equal(1, await AuditCommand.VerifyAsync(database.Configuration, null, json: true, output, TestContext.Current.CancellationToken));

        using var json = JsonDocument.Parse(output.ToString());
        Assert.False(json.RootElement.GetProperty("intact").GetBoolean());
        Assert.Equal(2, json.RootElement.GetProperty("firstBreak").GetProperty("seq").GetInt64());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("head").ValueKind);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_anchor_a_run_prints_is_checked_by_a_later_run(Db db)
    {
        await using var database = new TestDatabase(db);
        var hashes = await SeedAsync(database, 3);
        var first = new StringWriter();
        Assert.Equal(0, await AuditCommand.VerifyAsync(database.Configuration, null, json: false, first, TestContext.Current.CancellationToken));
        var printed = first.ToString().Split('\n').Single(l => l.Contains("--anchor", StringComparison.Ordinal)).Split("--anchor ")[1].Trim();
        Assert.Equal($"3:{hashes[^1]}", printed);
        Assert.True(AuditAnchor.TryParse(printed, out var anchor));

        var later = new StringWriter();
        Assert.Equal(0, await AuditCommand.VerifyAsync(database.Configuration, anchor, json: false, later, TestContext.Current.CancellationToken));
        Assert.Contains($"Anchor {printed} holds.", later.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_anchor_the_chain_no_longer_reaches_exits_1()
    {
        await using var database = new TestDatabase(Db.Sqlite);
        var hashes = await SeedAsync(database, 2);
        var output = new StringWriter();

        var exitCode = await AuditCommand.VerifyAsync(database.Configuration, new AuditAnchor(7, hashes[^1]), json: false, output, TestContext.Current.CancellationToken);

        Assert.Equal(1, exitCode);
        Assert.Contains("BROKEN at event seq 7: the chain ends before the recorded anchor", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_anchor_is_a_usage_error()
    {
        var parse = new RootCommand { AuditCommand.Create() }.Parse(["audit", "verify", "--anchor", "7:not-a-hash"]);

        Assert.Contains(parse.Errors, e => e.Message.Contains("--anchor must be SEQ:HASH", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Events_not_yet_sealed_are_reported_apart_and_verify_still_passes(Db db)
    {
        await using var database = new TestDatabase(db);
        await SeedAsync(database, 2);
        await InsertAsync(database, 3);
        var output = new StringWriter();

        var exitCode = await AuditCommand.VerifyAsync(database.Configuration, null, json: false, output, TestContext.Current.CancellationToken);

        Assert.Equal(0, exitCode);
        Assert.Contains("intact: 2 sealed event(s), seq 1..2", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("3 event(s) not yet sealed, not checked.", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_reports_an_empty_chain_as_intact()
    {
        await using var database = new TestDatabase(Db.Sqlite);
        await MigrateCommand.RunAsync(database.Configuration, json: false, TextWriter.Null, TestContext.Current.CancellationToken);
        var output = new StringWriter();

        Assert.Equal(0, await AuditCommand.VerifyAsync(database.Configuration, null, json: false, output, TestContext.Current.CancellationToken));
        Assert.Contains("empty", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Migrates, writes events through the CLI's own services, and seals them as the server's sealer does; their hashes in chain order.</summary>
    private static async Task<List<string>> SeedAsync(TestDatabase database, int count)
    {
        await MigrateCommand.RunAsync(database.Configuration, json: false, TextWriter.Null, TestContext.Current.CancellationToken);
        await InsertAsync(database, count);
        await using var services = CliHost.Services(database.Configuration);
        await new AuditSealer(services.GetRequiredService<IServiceScopeFactory>(), Options.Create(new AuditOptions())).SealAsync(TestContext.Current.CancellationToken);
        await using var read = services.CreateAsyncScope();
        return await read.ServiceProvider.GetRequiredService<ConvergioDb>().AuditEvents.Where(e => e.Seq != null).OrderBy(e => e.Seq).Select(e => e.Hash!).ToListAsync(TestContext.Current.CancellationToken);
    }

    private static async Task InsertAsync(TestDatabase database, int count)
    {
        await using var services = CliHost.Services(database.Configuration);
        for (var i = 0; i < count; i++)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
            db.AuditEvents.Add(new AuditEvent { OccurredAt = AuditChain.TruncateToMicroseconds(DateTime.UtcNow), Action = "admin.user.created", Outcome = AuditOutcomes.Success });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }
    }
}
