using Convergio.Api.Auth;
using Convergio.Api.Data;
using Convergio.Api.ProviderKeys;
using Convergio.Api.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Cli.Tests.Secrets;

public sealed class KeysCommandTests
{
    [Fact]
    public void Generate_prints_a_new_fernet_key()
    {
        var first = new StringWriter();
        var second = new StringWriter();

        Assert.Equal(0, KeysCommand.Generate(signing: false, first));
        KeysCommand.Generate(signing: false, second);

        Assert.True(FernetKey.IsValid(first.ToString().Trim()));
        Assert.NotEqual(first.ToString(), second.ToString());
    }

    [Fact]
    public void Generate_signing_prints_a_key_the_production_guard_accepts_without_warning()
    {
        var output = new StringWriter();

        KeysCommand.Generate(signing: true, output);

        var key = output.ToString().Trim();
        Assert.True(key.Length >= SigningKeyRule.RecommendedLength);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Security:SigningKeys:0"] = key }).Build();
        Assert.Empty(new SigningKeyRule().Check(configuration));
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
        var exitCode = await KeysCommand.RotateAsync(Config(newKey, oldKey), batchSize: 2, output, cancellationToken);

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

        var exitCode = await KeysCommand.RotateAsync(configuration, EncryptedColumnRotator.DefaultBatchSize, output, cancellationToken);

        Assert.Equal(1, exitCode);
        Assert.Contains("1 undecryptable", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("keep every old key", output.ToString(), StringComparison.Ordinal);
    }
}
