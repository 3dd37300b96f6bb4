using System.Text.Json;
using Convergio.Api.Data;
using Convergio.Cli.Tests.Baseline;
using Microsoft.Extensions.Configuration;

namespace Convergio.Cli.Tests;

/// <summary>What a new user meets first: a fresh database, no keys, the data folder, exit codes.</summary>
public sealed class NewcomerPathTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Admin_create_on_a_fresh_database_exits_1_saying_run_convergio_migrate(Db db)
    {
        await using var database = new TestDatabase(db);
        var output = new StringWriter();

        var exitCode = await AdminCommand.CreateAsync(database.Configuration, "admin@example.test", () => "unused-password-1", json: false, output, Cancel);

        Assert.Equal(1, exitCode);
        Assert.Contains("run `convergio migrate`", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_verify_on_a_fresh_database_exits_1_saying_run_convergio_migrate()
    {
        await using var database = new TestDatabase(Db.Sqlite);
        var output = new StringWriter();

        var exitCode = await AuditCommand.VerifyAsync(database.Configuration, anchor: null, json: false, output, Cancel);

        Assert.Equal(1, exitCode);
        Assert.Contains("run `convergio migrate`", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_rotate_with_no_encryption_key_configured_exits_2_with_the_reason()
    {
        await using var database = new TestDatabase(Db.Sqlite);
        var output = new StringWriter();

        var exitCode = await KeysCommand.RotateAsync(database.Configuration, batchSize: 100, json: false, output, Cancel);

        Assert.Equal(2, exitCode);
        Assert.Contains("No encryption key is configured (Encryption:Keys:0)", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Migrate_status_lists_the_pending_migrations_and_exits_1_until_migrate_ran(Db db)
    {
        await using var database = new TestDatabase(db);
        var before = new StringWriter();
        var after = new StringWriter();

        var beforeExit = await MigrateCommand.StatusAsync(database.Configuration, json: true, before, Cancel);
        await MigrateCommand.RunAsync(database.Configuration, json: false, TextWriter.Null, Cancel);
        var afterExit = await MigrateCommand.StatusAsync(database.Configuration, json: true, after, Cancel);

        Assert.Equal(1, beforeExit);
        Assert.Equal(0, afterExit);
        using var pending = JsonDocument.Parse(before.ToString());
        Assert.Contains(pending.RootElement.GetProperty("pending").EnumerateArray(), m => m.GetString()!.EndsWith("_Initial", StringComparison.Ordinal));
        using var current = JsonDocument.Parse(after.ToString());
        Assert.Empty(current.RootElement.GetProperty("pending").EnumerateArray());
    }

    [Fact]
    public async Task Migrate_with_output_json_lists_what_it_applied()
    {
        await using var database = new TestDatabase(Db.Sqlite);
        var output = new StringWriter();

        Assert.Equal(0, await MigrateCommand.RunAsync(database.Configuration, json: true, output, Cancel));

        using var json = JsonDocument.Parse(output.ToString());
        Assert.NotEmpty(json.RootElement.GetProperty("applied").EnumerateArray());
    }

    [Fact]
    public async Task From_a_checkout_the_cli_uses_the_checkouts_data_folder_wherever_it_is_started()
    {
        var checkout = DataRoot.CheckoutAbove(AppContext.BaseDirectory)!;
        var elsewhere = Directory.CreateTempSubdirectory("convergio-cwd-").FullName;

        var (exitCode, _, error) = await CliRun.ProcessAsync(elsewhere, new Dictionary<string, string?> { ["Database__SqlitePath"] = null }, "migrate", "--status");

        Assert.InRange(exitCode, 0, 1);
        Assert.Contains($"database: SQLite at {Path.Combine(checkout, "data", "convergio.db")}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_start_before_convergio_migrate_prints_one_line_and_no_error_dump()
    {
        var postgres = Environment.GetEnvironmentVariable("ConnectionStrings__Postgres");
        Assert.SkipWhen(string.IsNullOrEmpty(postgres), "PostgreSQL not configured: set ConnectionStrings__Postgres (.ci/run does); Production does not run on SQLite.");

        await using var api = await ProductionApi.StartAsync(postgres!, Cancel, migrated: false);

        Assert.Equal(1, api.ExitCode);
        Assert.Single(api.Log.Split('\n'), line => line.Contains("Run `convergio migrate` before starting the server.", StringComparison.Ordinal));
        Assert.DoesNotContain("Hosting failed to start", api.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", api.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", api.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("\"LogLevel\":\"Error\"", api.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_status_with_output_json_on_the_command_line_prints_one_json_object_without_the_key()
    {
        var key = "k-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(40));
        var elsewhere = Directory.CreateTempSubdirectory("convergio-cwd-").FullName;

        var (exitCode, output, _) = await CliRun.ProcessAsync(elsewhere, new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Security__SigningKeys__0"] = "2026-11-01:" + key,
        }, "keys", "status", "--output", "json");

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain(key, output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(output);
        var signing = Assert.Single(json.RootElement.GetProperty("keys").EnumerateArray(), k => k.GetProperty("ring").GetString() == "Security:SigningKeys");
        Assert.Equal("2026-11-01", signing.GetProperty("created").GetString());
    }

    [Theory]
    [InlineData("keys", "status", "--output", "xml")]
    [InlineData("audit", "verify", "--output", "yaml")]
    [InlineData("migrate", "--output", "xml")]
    [InlineData("keys", "rotate", "--batch-size", "none")]
    [InlineData("no-such-command")]
    public async Task A_usage_error_exits_2(params string[] args)
    {
        var (exitCode, _, _) = await CliRun.InProcessAsync(args);

        Assert.Equal(2, exitCode);
    }
}
