using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Convergio.Api.Auth;
using Convergio.Api.Data;
using Convergio.Api.ProviderKeys;
using Convergio.Api.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace Convergio.Cli.Tests.Secrets;

public sealed class KeysCommandTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 12, 1, 23, 30, 0, TimeSpan.Zero));

    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Fact]
    public async Task Generate_prints_a_new_fernet_key_dated_today()
    {
        var first = new StringWriter();
        var second = new StringWriter();

        Assert.Equal(0, await KeysCommand.GenerateAsync(signing: false, json: false, first, Clock));
        await KeysCommand.GenerateAsync(signing: false, json: false, second, Clock);

        var entry = RingEntry.Parse("Encryption:Keys:0", first.ToString().Trim());
        Assert.Equal(new DateOnly(2026, 12, 1), entry.Created);
        Assert.True(FernetKey.IsValid(entry.Key));
        Assert.NotEqual(first.ToString(), second.ToString());
    }

    [Fact]
    public async Task Generate_signing_prints_a_dated_key_the_production_guard_accepts_without_warning()
    {
        var output = new StringWriter();

        await KeysCommand.GenerateAsync(signing: true, json: false, output, Clock);

        var entry = output.ToString().Trim();
        Assert.StartsWith("2026-12-01:", entry, StringComparison.Ordinal);
        Assert.True(RingEntry.Parse("", entry).Key.Length >= SigningKeyRule.RecommendedLength);
        Assert.Empty(new SigningKeyRule().Check(Settings(("Security:SigningKeys:0", entry))));
        Assert.Empty(new KeyRotationRule(Clock).Check(Settings(("Security:SigningKeys:0", entry))));
    }

    [Fact]
    public async Task Generate_with_output_json_names_the_ring_and_the_dated_entry()
    {
        var output = new StringWriter();

        await KeysCommand.GenerateAsync(signing: true, json: true, output, Clock);

        using var json = JsonDocument.Parse(output.ToString());
        Assert.Equal("Security:SigningKeys", json.RootElement.GetProperty("ring").GetString());
        Assert.StartsWith("2026-12-01:", json.RootElement.GetProperty("entry").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_lists_ring_position_age_and_fingerprint_but_never_the_key()
    {
        var signing = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(64));
        var encryption = FernetKey.Generate();
        var configuration = Settings(("Security:SigningKeys:0", "2026-11-21:" + signing), ("Encryption:Keys:0", encryption));
        var output = new StringWriter();

        Assert.Equal(0, await KeysCommand.StatusAsync(configuration, json: true, output, Clock));

        Assert.DoesNotContain(signing, output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(encryption, output.ToString(), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(output.ToString());
        var keys = json.RootElement.GetProperty("keys").EnumerateArray().ToList();
        var dated = keys.Single(k => k.GetProperty("ring").GetString() == "Security:SigningKeys");
        Assert.Equal(0, dated.GetProperty("position").GetInt32());
        Assert.Equal(10, dated.GetProperty("ageDays").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(signing)).AsSpan(0, 8)), dated.GetProperty("fingerprint").GetString());
        var bare = keys.Single(k => k.GetProperty("ring").GetString() == "Encryption:Keys");
        Assert.Equal(JsonValueKind.Null, bare.GetProperty("ageDays").ValueKind);
    }

    [Fact]
    public async Task Status_as_text_says_unknown_for_the_age_of_a_bare_key_and_marks_the_active_one()
    {
        var configuration = Settings(("Encryption:Keys:0", FernetKey.Generate()), ("Encryption:Keys:1", "2025-12-01:" + FernetKey.Generate()));
        var output = new StringWriter();

        await KeysCommand.StatusAsync(configuration, json: false, output, Clock);

        var lines = output.ToString().Split(Environment.NewLine);
        Assert.Contains(lines, l => l.StartsWith("Encryption:Keys", StringComparison.Ordinal) && l.Contains("0 (active)", StringComparison.Ordinal) && l.Contains("unknown", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Encryption:Keys", StringComparison.Ordinal) && l.Contains("365 days", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rotate_with_output_json_and_no_key_is_an_error_object()
    {
        var output = new StringWriter();

        Assert.Equal(2, await KeysCommand.RotateAsync(Settings(), batchSize: 10, json: true, output, TestContext.Current.CancellationToken));

        using var json = JsonDocument.Parse(output.ToString());
        Assert.Contains("No encryption key is configured", json.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_moves_every_ciphertext_to_the_new_key_so_the_old_one_can_be_removed()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var path = Path.Combine(Directory.CreateTempSubdirectory("convergio-cli-keys-").FullName, "keys.db");
        var oldKey = FernetKey.Generate();
        var newKey = FernetKey.Generate();
        IConfiguration Config(params string[] keys) => new ConfigurationBuilder().AddInMemoryCollection(
            keys.Select((k, i) => new KeyValuePair<string, string?>($"Encryption:Keys:{i}", k))
                .Append(new("Database:SqlitePath", path))).Build();
        await MigrateCommand.RunAsync(Config(oldKey), json: false, TextWriter.Null, cancellationToken);
        var plaintexts = new List<string>();
        await using (var services = CliHost.Services(Config(oldKey)))
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
            var ring = new FernetKeyRing(Config(oldKey), TimeProvider.System);
            var user = new User { Id = Guid.NewGuid(), Email = "owner@example.test", PasswordHash = "not-used" };
            db.Users.Add(user);
            for (var i = 0; i < 5; i++)
            {
                var plaintext = $"sk-{Guid.NewGuid():N}";
                plaintexts.Add(plaintext);
                db.ProviderKeys.Add(new ProviderKey { Id = Guid.NewGuid(), UserId = user.Id, Provider = "openai", Ciphertext = ring.Encrypt(plaintext), Last4 = plaintext[^4..] });
            }
            await db.SaveChangesAsync(cancellationToken);
        }

        var output = new StringWriter();
        var exitCode = await KeysCommand.RotateAsync(Config(newKey, oldKey), batchSize: 2, json: false, output, cancellationToken);

        Assert.Equal(0, exitCode);
        Assert.Contains("provider_keys.ciphertext: 5 scanned, 5 re-encrypted, 0 already under the primary key", output.ToString(), StringComparison.Ordinal);
        await using (var services = CliHost.Services(Config(newKey)))
        await using (var scope = services.CreateAsyncScope())
        {
            var newOnly = new FernetKeyRing(Config(newKey), TimeProvider.System);
            var stored = await scope.ServiceProvider.GetRequiredService<ConvergioDb>().ProviderKeys.Select(k => k.Ciphertext).ToListAsync(cancellationToken);
            Assert.Equal(plaintexts.Order(), stored.Select(newOnly.Decrypt).Order());
        }
    }

    [Fact]
    public async Task Rotate_exits_1_and_says_to_keep_the_old_keys_when_a_ciphertext_opens_with_no_key()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var path = Path.Combine(Directory.CreateTempSubdirectory("convergio-cli-keys-").FullName, "keys.db");
        var lostKey = FernetKey.Generate();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Encryption:Keys:0"] = FernetKey.Generate(),
            ["Database:SqlitePath"] = path,
        }).Build();
        await MigrateCommand.RunAsync(configuration, json: false, TextWriter.Null, cancellationToken);
        await using (var services = CliHost.Services(configuration))
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
            var user = new User { Id = Guid.NewGuid(), Email = "owner@example.test", PasswordHash = "not-used" };
            db.Users.Add(user);
            var lost = new FernetKeyRing(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Encryption:Keys:0"] = lostKey }).Build(), TimeProvider.System);
            db.ProviderKeys.Add(new ProviderKey { Id = Guid.NewGuid(), UserId = user.Id, Provider = "openai", Ciphertext = lost.Encrypt("sk-lost"), Last4 = "lost" });
            await db.SaveChangesAsync(cancellationToken);
        }
        var output = new StringWriter();

        var exitCode = await KeysCommand.RotateAsync(configuration, EncryptedColumnRotator.DefaultBatchSize, json: false, output, cancellationToken);

        Assert.Equal(1, exitCode);
        Assert.Contains("1 undecryptable", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("keep every old key", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_with_output_json_reports_each_column()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var configuration = Settings(
            ("Encryption:Keys:0", "2026-12-01:" + FernetKey.Generate()),
            ("Database:SqlitePath", Path.Combine(Directory.CreateTempSubdirectory("convergio-cli-keys-").FullName, "keys.db")));
        await MigrateCommand.RunAsync(configuration, json: false, TextWriter.Null, cancellationToken);
        var output = new StringWriter();

        Assert.Equal(0, await KeysCommand.RotateAsync(configuration, batchSize: 10, json: true, output, cancellationToken));

        using var json = JsonDocument.Parse(output.ToString());
        Assert.True(json.RootElement.GetProperty("complete").GetBoolean());
        Assert.Contains(json.RootElement.GetProperty("columns").EnumerateArray(), c => c.GetProperty("column").GetString() == "provider_keys.ciphertext");
    }
}
