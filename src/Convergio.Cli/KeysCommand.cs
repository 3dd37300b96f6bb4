using System.CommandLine;
using System.Security.Cryptography;
using Convergio.Api.Data;
using Convergio.Api.Secrets;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Cli;

/// <summary><c>convergio keys generate|rotate</c>: new keys, and moving stored ciphertexts to the primary key (docs/rotation.md).</summary>
internal static class KeysCommand
{
    /// <summary>64 random bytes: 86 characters of url-safe base64, above the 64 the guard recommends.</summary>
    private const int SigningKeyBytes = 64;

    public static Command Create()
    {
        var signing = new Option<bool>("--signing") { Description = "Print a signing key (Security:SigningKeys) instead of a Fernet key." };
        var generate = new Command("generate", "Print a new random key: a Fernet key for Encryption:Keys, or with --signing a signing key.") { signing };
        generate.SetAction(parse => Generate(parse.GetValue(signing), Console.Out));

        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Rows per transaction.",
            DefaultValueFactory = _ => EncryptedColumnRotator.DefaultBatchSize,
        };
        var rotate = new Command("rotate", "Re-encrypt every stored ciphertext with Encryption:Keys:0; safe to interrupt and run again.") { batchSize };
        rotate.SetAction((parse, cancellationToken) => RotateAsync(CliHost.Configuration(), parse.GetValue(batchSize), Console.Out, cancellationToken));

        return new Command("keys", "Generate keys and rotate encrypted data.") { generate, rotate };
    }

    public static int Generate(bool signing, TextWriter output)
    {
        output.WriteLine(signing ? WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(SigningKeyBytes)) : FernetKey.Generate());
        return 0;
    }

    public static async Task<int> RotateAsync(IConfiguration configuration, int batchSize, TextWriter output, CancellationToken cancellationToken)
    {
        if (batchSize <= 0)
        {
            await output.WriteLineAsync("--batch-size must be positive.");
            return 2;
        }
        if (SecretKeys.Ring(configuration, SecretKeys.EncryptionKeys).Count == 0)
        {
            await output.WriteLineAsync($"No encryption key is configured ({SecretKeys.EncryptionKeys}:0): there is no key to re-encrypt under, so nothing was rotated.");
            return 2;
        }
        await using var services = CliHost.Services(configuration);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        if (await CliHost.SchemaProblemAsync(db, cancellationToken) is { } problem)
        {
            await output.WriteLineAsync(problem);
            return 1;
        }
        var rotator = new EncryptedColumnRotator(db, new FernetKeyRing(configuration, TimeProvider.System));

        var results = await rotator.RotateAsync(batchSize,
            (progress, ct) => output.WriteLineAsync($"  {progress.Column}: {progress.Scanned} scanned so far".AsMemory(), ct),
            cancellationToken);

        var failed = false;
        foreach (var result in results)
        {
            await output.WriteLineAsync(
                $"{result.Column}: {result.Scanned} scanned, {result.Reencrypted} re-encrypted, {result.AlreadyCurrent} already under the primary key, " +
                $"{result.ChangedMeanwhile} changed meanwhile, {result.Undecryptable.Count} undecryptable");
            if (result.Undecryptable.Count > 0)
            {
                failed = true;
                await output.WriteLineAsync($"  no configured key opens rows: {string.Join(", ", result.Undecryptable.Take(20))}{(result.Undecryptable.Count > 20 ? ", …" : "")}");
            }
        }
        await output.WriteLineAsync(failed
            ? "Some ciphertexts open with no configured key: keep every old key until they are resolved."
            : "Every ciphertext is under Encryption:Keys:0; the other keys can be removed.");
        return failed ? 1 : 0;
    }
}
