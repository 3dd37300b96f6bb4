using Convergio.Api.Auth;
using Convergio.Api.Data;
using Convergio.Api.ProviderKeys;
using Convergio.Api.Secrets;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Secrets;

public sealed class EncryptedColumnRotationTests
{
    private const int Rows = 3000;
    private const int BatchSize = 250;

    private static FernetKeyRing Ring(TimeProvider time, params string[] keys) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(keys.Select((k, i) => new KeyValuePair<string, string?>($"Encryption:Keys:{i}", k))).Build(), time);

    /// <summary>A user with <paramref name="count"/> provider keys encrypted under <paramref name="oldKey"/>; returns id → plaintext.</summary>
    private static async Task<Dictionary<Guid, string>> SeedAsync(ConvergioFactory factory, string oldKey, int count)
    {
        var ring = Ring(factory.Time, oldKey);
        var plaintexts = new Dictionary<Guid, string>();
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        var user = new User { Id = Guid.NewGuid(), Email = AuthTestExtensions.NewEmail(), PasswordHash = "not-used", CreatedAt = factory.Time.GetUtcNow().UtcDateTime };
        db.Users.Add(user);
        for (var i = 0; i < count; i++)
        {
            var plaintext = $"sk-{Guid.NewGuid():N}{i}";
            var key = new ProviderKey
            {
                Id = Guid.NewGuid(),
                UserId = user.Id,
                Provider = "openai",
                Ciphertext = ring.Encrypt(plaintext),
                Last4 = plaintext[^4..],
                CreatedAt = factory.Time.GetUtcNow().UtcDateTime,
            };
            db.ProviderKeys.Add(key);
            plaintexts[key.Id] = plaintext;
        }
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return plaintexts;
    }

    private static Task<Dictionary<Guid, string>> CiphertextsAsync(ConvergioFactory factory) =>
        factory.WithDbAsync(db => db.ProviderKeys.ToDictionaryAsync(k => k.Id, k => k.Ciphertext));

    [Fact]
    public void Provider_keys_and_totp_secrets_are_the_encrypted_columns()
    {
        using var factory = new ConvergioFactory();
        using var scope = factory.Services.CreateScope();

        var columns = EncryptedColumns.All(scope.ServiceProvider.GetRequiredService<ConvergioDb>().Model);

        Assert.Equal(
            [new EncryptedColumn("provider_keys", null, "id", "ciphertext"), new EncryptedColumn("totp_credentials", null, "user_id", "secret_ciphertext")],
            columns.OrderBy(c => c.Table, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Rotation_moves_totp_secrets_to_the_new_key(Db db)
    {
        var oldKey = TestKeys.FernetKey();
        var newKey = TestKeys.FernetKey();
        await using var factory = new ConvergioFactory(db, new Dictionary<string, string?> { ["Encryption:Keys:0"] = oldKey });
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var rotated = await new EncryptedColumnRotator(scope.ServiceProvider.GetRequiredService<ConvergioDb>(), Ring(factory.Time, newKey, oldKey))
                .RotateAsync(BatchSize, null, TestContext.Current.CancellationToken);
            Assert.Equal(1, Assert.Single(rotated, r => r.Column == "totp_credentials.secret_ciphertext").Reencrypted);
        }

        var stored = await factory.WithDbAsync(d => d.TotpCredentials.Where(t => t.UserId == user.Id).Select(t => t.SecretCiphertext).SingleAsync(TestContext.Current.CancellationToken));
        Assert.Equal(totp.Secret, Ring(factory.Time, newKey).Decrypt(stored));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_interrupted_rotation_resumes_and_moves_every_row_exactly_once(Db db)
    {
        var oldKey = TestKeys.FernetKey();
        var newKey = TestKeys.FernetKey();
        await using var factory = new ConvergioFactory(db, new Dictionary<string, string?> { ["Encryption:Keys:0"] = oldKey });
        var plaintexts = await SeedAsync(factory, oldKey, Rows);
        var ring = Ring(factory.Time, newKey, oldKey);

        // First run: stopped after half of the batches have committed, as a killed process would be.
        using var interruption = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var batches = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await using var scope = factory.Services.CreateAsyncScope();
            await new EncryptedColumnRotator(scope.ServiceProvider.GetRequiredService<ConvergioDb>(), ring).RotateAsync(BatchSize, (_, _) =>
            {
                if (++batches == Rows / BatchSize / 2)
                {
                    interruption.Cancel();
                }
                return Task.CompletedTask;
            }, interruption.Token);
        });
        var halfway = await CiphertextsAsync(factory);
        var movedFirst = halfway.Count(c => ring.Rotate(c.Value) is null);
        Assert.Equal(Rows / 2, movedFirst);

        // Second run: completes, leaving the rows of the first run untouched.
        IReadOnlyList<ColumnRotation> resumed;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            resumed = await new EncryptedColumnRotator(scope.ServiceProvider.GetRequiredService<ConvergioDb>(), ring)
                .RotateAsync(BatchSize, null, TestContext.Current.CancellationToken);
        }
        var result = Assert.Single(resumed, r => r.Column == "provider_keys.ciphertext");
        Assert.Equal((Rows, Rows / 2, Rows / 2, 0), (result.Scanned, result.AlreadyCurrent, result.Reencrypted, result.Undecryptable.Count));

        var final = await CiphertextsAsync(factory);
        Assert.Equal(Rows, final.Count);
        foreach (var (id, ciphertext) in halfway.Where(c => ring.Rotate(c.Value) is null))
        {
            Assert.Equal(ciphertext, final[id]);
        }
        // Only the new key is needed now, and every row opens to its original plaintext (not to another token).
        var newOnly = Ring(factory.Time, newKey);
        Assert.All(final, row => Assert.Equal(plaintexts[row.Key], newOnly.Decrypt(row.Value)));

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var again = await new EncryptedColumnRotator(scope.ServiceProvider.GetRequiredService<ConvergioDb>(), ring)
                .RotateAsync(BatchSize, null, TestContext.Current.CancellationToken);
            Assert.Equal((Rows, Rows, 0), (again[0].Scanned, again[0].AlreadyCurrent, again[0].Reencrypted));
        }
    }

    [Fact]
    public async Task Rows_no_key_opens_are_reported_and_left_as_they_are()
    {
        var oldKey = TestKeys.FernetKey();
        var lostKey = TestKeys.FernetKey();
        await using var factory = new ConvergioFactory(Db.Sqlite, new Dictionary<string, string?> { ["Encryption:Keys:0"] = oldKey });
        await SeedAsync(factory, oldKey, 3);
        var orphan = (await SeedAsync(factory, lostKey, 1)).Keys.Single();
        var orphanCiphertext = (await CiphertextsAsync(factory))[orphan];

        await using var scope = factory.Services.CreateAsyncScope();
        var results = await new EncryptedColumnRotator(scope.ServiceProvider.GetRequiredService<ConvergioDb>(), Ring(factory.Time, TestKeys.FernetKey(), oldKey))
            .RotateAsync(2, null, TestContext.Current.CancellationToken);

        Assert.Equal([orphan], results[0].Undecryptable);
        Assert.Equal(3, results[0].Reencrypted);
        Assert.Equal(orphanCiphertext, (await CiphertextsAsync(factory))[orphan]);
    }
}
