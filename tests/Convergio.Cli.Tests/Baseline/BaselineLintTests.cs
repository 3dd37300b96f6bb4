using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Convergio.Cli.Tests.Baseline;

/// <summary><c>baseline lint</c>: the production guard over an env file, in the same formats as check.</summary>
public sealed class BaselineLintTests
{
    private static string EnvFile(params string[] lines)
    {
        var path = BaselineCli.TempFile("production.env");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task Lint_of_a_weak_env_file_exits_1_naming_each_rule_without_echoing_secrets()
    {
        var shortKey = "k" + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(9));
        var path = EnvFile(
            "# production settings",
            $"Security__SigningKeys__0={shortKey}",
            "export ALLOWED_ORIGINS=*",
            "ConnectionStrings__Postgres=\"Host=db.internal;Database=convergio;Username=app\"");

        var (exitCode, output, _) = await BaselineCli.RunAsync("lint", "--env-file", path, "--format", "json");

        Assert.Equal(1, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("lint", json.RootElement.GetProperty("command").GetString());
        Assert.Equal(path, json.RootElement.GetProperty("target").GetString());
        var failed = json.RootElement.GetProperty("checks").EnumerateArray()
            .Where(c => c.GetProperty("outcome").GetString() == "fail")
            .Select(c => c.GetProperty("id").GetString())
            .ToHashSet();
        Assert.Superset(new HashSet<string?> { "config.signing-keys", "config.cors-origins", "config.postgres", "config.encryption-keys" }, failed);
        Assert.DoesNotContain(shortKey, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lint_of_a_sound_env_file_exits_0()
    {
        var path = EnvFile(
            $"Security__SigningKeys__0={WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(64))}",
            $"Encryption__Keys__0={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_')}",
            "ConnectionStrings__Postgres=Host=db.internal;Database=convergio;Username=app;SSL Mode=VerifyFull",
            "ConnectionStrings__Redis=cache.internal:6380,ssl=true",
            "Sentry__Dsn=https://public@sentry.example/1",
            "ALLOWED_ORIGINS=https://app.example.test",
            "AllowedHosts=api.example.test",
            "WebAuthn__RpId=example.test");

        var (exitCode, output, _) = await BaselineCli.RunAsync("lint", "--env-file", path, "--format", "sarif");

        Assert.Equal(0, exitCode);
        using var sarif = JsonDocument.Parse(output);
        Assert.DoesNotContain(sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray(),
            r => r.GetProperty("level").GetString() == "error");
    }
}
