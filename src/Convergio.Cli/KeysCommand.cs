using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Convergio.Api.Data;
using Convergio.Api.Secrets;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Cli;

/// <summary><c>convergio keys generate|status|rotate</c>: new dated keys, the rings at a glance, and moving stored ciphertexts to the primary key (docs/rotation.md).</summary>
internal static class KeysCommand
{
    /// <summary>64 random bytes: 86 characters of url-safe base64, above the 64 the guard recommends.</summary>
    private const int SigningKeyBytes = 64;

    public static Command Create()
    {
        var signing = new Option<bool>("--signing") { Description = "Print a signing key (Security:SigningKeys) instead of a Fernet key." };
        var generateFormat = CliOutput.Option();
        var generate = new Command("generate", "Print a new random key, dated (yyyy-MM-dd:key): a Fernet key for Encryption:Keys, or with --signing a signing key.") { signing, generateFormat };
        generate.SetAction((parse, _) => GenerateAsync(parse.GetValue(signing), parse.IsJson(generateFormat), Console.Out, TimeProvider.System));

        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Rows per transaction.",
            DefaultValueFactory = _ => EncryptedColumnRotator.DefaultBatchSize,
        };
        var rotateFormat = CliOutput.Option();
        var rotate = new Command("rotate", "Re-encrypt every stored ciphertext with Encryption:Keys:0; safe to interrupt and run again.") { batchSize, rotateFormat };
        rotate.SetAction((parse, cancellationToken) => RotateAsync(CliHost.Configuration(), parse.GetValue(batchSize), parse.IsJson(rotateFormat), Console.Out, cancellationToken));

        var statusFormat = CliOutput.Option();
        var status = new Command("status", "List every key ring: position, age and fingerprint of each key (never the key).") { statusFormat };
        status.SetAction((parse, _) => StatusAsync(CliHost.Configuration(), parse.IsJson(statusFormat), Console.Out, TimeProvider.System));

        return new Command("keys", "Generate keys, show the rings and rotate encrypted data.") { generate, status, rotate };
    }

    /// <summary>A new key, written with today's date (UTC) so its age can be checked against the rotation schedule.</summary>
    public static async Task<int> GenerateAsync(bool signing, bool json, TextWriter output, TimeProvider time)
    {
        var key = signing ? WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(SigningKeyBytes)) : FernetKey.Generate();
        var entry = RingEntry.Write(key, RingEntry.Today(time));
        if (json)
        {
            await CliOutput.WriteJsonAsync(output, new { ring = signing ? SecretKeys.SigningKeys : SecretKeys.EncryptionKeys, entry });
        }
        else
        {
            await output.WriteLineAsync(entry);
        }
        return 0;
    }

    /// <summary>Every ring the server reads, in ring order (position 0 signs or encrypts); exit 0, <c>config lint</c> judges the ages.</summary>
    public static async Task<int> StatusAsync(IConfiguration configuration, bool json, TextWriter output, TimeProvider time)
    {
        var today = RingEntry.Today(time);
        var rings = new[]
        {
            (Ring: SecretKeys.SigningKeys, Entries: SecretKeys.Entries(configuration, SecretKeys.SigningKeys)),
            (Ring: SecretKeys.EncryptionKeys, Entries: SecretKeys.EncryptionEntries(configuration)),
            (Ring: SecretKeys.StripeWebhookSecrets, Entries: SecretKeys.Entries(configuration, SecretKeys.StripeWebhookSecrets)),
        };
        var keys = rings.SelectMany(r => r.Entries.Select((e, position) => new
        {
            ring = r.Ring,
            position,
            name = e.Name,
            created = e.Created?.ToString(RingEntry.DateFormat, CultureInfo.InvariantCulture),
            ageDays = e.AgeDays(today),
            fingerprint = e.Fingerprint,
        })).ToList();
        if (json)
        {
            await CliOutput.WriteJsonAsync(output, new { keys });
            return 0;
        }
        if (keys.Count == 0)
        {
            await output.WriteLineAsync("No key is configured.");
            return 0;
        }
        await output.WriteLineAsync($"{"ring",-24} {"position",-12} {"age",-12} fingerprint");
        foreach (var key in keys)
        {
            var position = key.position == 0 ? "0 (active)" : key.position.ToString(CultureInfo.InvariantCulture);
            var age = key.ageDays is { } days ? $"{days} days" : "unknown";
            await output.WriteLineAsync($"{key.ring,-24} {position,-12} {age,-12} {key.fingerprint}");
        }
        return 0;
    }

    public static async Task<int> RotateAsync(IConfiguration configuration, int batchSize, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        if (batchSize <= 0)
        {
            await CliOutput.WriteErrorAsync(output, json, "--batch-size must be positive.");
            return 2;
        }
        if (SecretKeys.Ring(configuration, SecretKeys.EncryptionKeys).Count == 0)
        {
            await CliOutput.WriteErrorAsync(output, json, $"No encryption key is configured ({SecretKeys.EncryptionKeys}:0): there is no key to re-encrypt under, so nothing was rotated.");
            return 2;
        }
        await using var services = CliHost.Services(configuration);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        if (await CliHost.SchemaProblemAsync(db, cancellationToken) is { } problem)
        {
            await CliOutput.WriteErrorAsync(output, json, problem);
            return 1;
        }
        var rotator = new EncryptedColumnRotator(db, new FernetKeyRing(configuration, TimeProvider.System));

        var results = await rotator.RotateAsync(batchSize,
            (progress, ct) => json ? Task.CompletedTask : output.WriteLineAsync($"  {progress.Column}: {progress.Scanned} scanned so far".AsMemory(), ct),
            cancellationToken);
        var complete = results.All(r => r.Undecryptable.Count == 0);

        if (json)
        {
            await CliOutput.WriteJsonAsync(output, new { complete, columns = results });
            return complete ? 0 : 1;
        }
        foreach (var result in results)
        {
            await output.WriteLineAsync(
                $"{result.Column}: {result.Scanned} scanned, {result.Reencrypted} re-encrypted, {result.AlreadyCurrent} already under the primary key, " +
                $"{result.ChangedMeanwhile} changed meanwhile, {result.Undecryptable.Count} undecryptable");
            if (result.Undecryptable.Count > 0)
            {
                await output.WriteLineAsync($"  no configured key opens rows: {string.Join(", ", result.Undecryptable.Take(20))}{(result.Undecryptable.Count > 20 ? ", …" : "")}");
            }
        }
        await output.WriteLineAsync(complete
            ? "Every ciphertext is under Encryption:Keys:0; the other keys can be removed."
            : "Some ciphertexts open with no configured key: keep every old key until they are resolved.");
        return complete ? 0 : 1;
    }
}
