using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Convergio.Api.Edge;
using Convergio.Api.Platform;
using Convergio.Api.ProviderKeys;
using Convergio.Api.Secrets;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace Convergio.Api.Tests.ProviderKeys;

public sealed class ProviderKeyTests
{
    private const string Path = "/api/v1/user-keys";

    /// <summary>A key-shaped value made at run time, so nothing secret-looking is committed.</summary>
    private static string OpenAiKey() => "sk-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();

    private static async Task<ProviderKeyResponse> CreateAsync(SignedInUser user, string apiKey, string provider = "openai", string? label = null)
    {
        var response = await user.Browser.PostJsonAsync(Path, new { provider, apiKey, label });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ProviderKeyResponse>(TestContext.Current.CancellationToken))!;
    }

    private static async Task<List<ProviderKeyResponse>> ListAsync(SignedInUser user) =>
        (await user.Client.GetFromJsonAsync<List<ProviderKeyResponse>>(Path, TestContext.Current.CancellationToken))!;

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Create_list_and_delete_show_last4_and_never_the_key(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        var apiKey = OpenAiKey();

        var response = await user.Browser.PostJsonAsync(Path, new { provider = "openai", apiKey, label = "  work  " });
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.DoesNotContain(apiKey, body, StringComparison.Ordinal);
        var created = (await response.Content.ReadFromJsonAsync<ProviderKeyResponse>(TestContext.Current.CancellationToken))!;
        Assert.Equal($"{Path}/{created.Id}", response.Headers.Location!.OriginalString);
        Assert.Equal(("openai", "work", apiKey[^4..]), (created.Provider, created.Label, created.Last4));
        Assert.Null(created.LastUsedAt);

        var listText = await user.Client.GetStringAsync(Path, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(apiKey, listText, StringComparison.Ordinal);
        Assert.Equal(created.Id, Assert.Single(await ListAsync(user)).Id);

        var deleted = await user.Browser.DeleteAsync($"{Path}/{created.Id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(await ListAsync(user));

        var actions = await factory.WithDbAsync(d => d.AuditEvents.Where(e => e.TargetId == created.Id.ToString()).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal([ProviderKeyAuditActions.Created, ProviderKeyAuditActions.Deleted], actions);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Another_users_key_is_invisible_and_its_delete_is_404(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateVerifiedUserAsync();
        var other = await factory.CreateVerifiedUserAsync();
        var ownersKey = await CreateAsync(owner, OpenAiKey());

        Assert.Empty(await ListAsync(other));
        var response = await other.Browser.DeleteAsync($"{Path}/{ownersKey.Id}");
        var unknown = await other.Browser.DeleteAsync($"{Path}/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var forOthers = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(TestContext.Current.CancellationToken);
        var forUnknown = await unknown.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(TestContext.Current.CancellationToken);
        Assert.Equal((forUnknown!.Status, forUnknown.Title, forUnknown.Detail), (forOthers!.Status, forOthers.Title, forOthers.Detail));
        Assert.Single(await ListAsync(owner));
    }

    [Fact]
    public async Task Without_a_session_every_operation_is_401()
    {
        await using var factory = new ConvergioFactory();
        using var browser = new TestBrowser(factory);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(Path)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostJsonAsync(Path, new { provider = "openai", apiKey = OpenAiKey() })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.DeleteAsync($"{Path}/{Guid.NewGuid()}")).StatusCode);
    }

    public static TheoryData<string, string, string?, string> InvalidRequests()
    {
        var good = OpenAiKey();
        return new TheoryData<string, string, string?, string>
        {
            { "unknown-ai", good, null, "provider" },
            { "OpenAI", good, null, "provider" },
            { "openai", "", null, "apiKey" },
            { "openai", "sk-" + new string('a', ProviderKeyRules.MaxKeyLength), null, "apiKey" },
            { "openai", "sk-short", null, "apiKey" },
            { "openai", good[..10] + " " + good[10..], null, "apiKey" },
            { "openai", good + "\u0000", null, "apiKey" },
            { "openai", "pk-" + good[3..], null, "apiKey" },
            { "anthropic", good, null, "apiKey" },
            { "openai", good, new string('l', ProviderKeyRules.MaxLabelLength + 1), "label" },
            { "openai", good, "   ", "label" },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task Bad_input_is_a_400_problem_that_never_echoes_the_key(string provider, string apiKey, string? label, string field)
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateVerifiedUserAsync();

        var response = await user.Browser.PostJsonAsync(Path, new { provider, apiKey, label });
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"\"{field}\"", body, StringComparison.Ordinal);
        if (apiKey.Length > 0)
        {
            Assert.DoesNotContain(apiKey, body, StringComparison.Ordinal);
        }
        Assert.Empty(await ListAsync(user));
    }

    [Fact]
    public async Task The_plaintext_is_in_neither_the_database_file_nor_the_logs_nor_the_audit_trail()
    {
        await using var factory = ConvergioFactory.WithEveryLog(Db.Sqlite);
        var user = await factory.CreateVerifiedUserAsync();
        var apiKey = OpenAiKey();

        var created = await CreateAsync(user, apiKey);
        await user.Browser.PostJsonAsync(Path, new { provider = "anthropic", apiKey });
        await user.Browser.DeleteAsync($"{Path}/{created.Id}");
        var stored = await CreateAsync(user, apiKey);

        var ciphertext = await factory.WithDbAsync(d => d.ProviderKeys.Where(k => k.Id == stored.Id).Select(k => k.Ciphertext).SingleAsync());
        Assert.Equal(apiKey, factory.Services.GetRequiredService<FernetKeyRing>().Decrypt(ciphertext));
        var audit = await factory.WithDbAsync(d => d.AuditEvents.Select(e => e.Data ?? "").ToListAsync());
        Assert.DoesNotContain(audit, data => data.Contains(apiKey, StringComparison.Ordinal));

        var logs = factory.Services.GetFakeLogCollector().GetSnapshot();
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(logs, r => r.Message.Contains(apiKey, StringComparison.Ordinal)
            || (r.Exception?.ToString().Contains(apiKey, StringComparison.Ordinal) ?? false)
            || (r.StructuredState?.Any(p => p.Value?.Contains(apiKey, StringComparison.Ordinal) ?? false) ?? false));

        // The main file and the write-ahead log, read while the server holds them open.
        var databaseFiles = Directory.EnumerateFiles(factory.DataDirectory, "convergio.db*").ToList();
        Assert.NotEmpty(databaseFiles);
        foreach (var file in databaseFiles)
        {
            var bytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
            Assert.Equal(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(apiKey)));
            Assert.Equal(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(apiKey[3..20])));
        }
    }

    [Fact]
    public async Task Using_a_key_decrypts_the_newest_one_for_the_provider_and_records_when()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateVerifiedUserAsync();
        var older = OpenAiKey();
        var newer = OpenAiKey();
        await CreateAsync(user, older);
        factory.Time.Advance(TimeSpan.FromMinutes(1));
        var newest = await CreateAsync(user, newer);
        factory.Time.Advance(TimeSpan.FromMinutes(1));

        await using var scope = factory.Services.CreateAsyncScope();
        var access = scope.ServiceProvider.GetRequiredService<ProviderKeyAccess>();
        var plaintext = await access.UseAsync(user.Id, "openai", TestContext.Current.CancellationToken);
        var none = await access.UseAsync(user.Id, "mistral", TestContext.Current.CancellationToken);

        Assert.Equal(newer, plaintext);
        Assert.Null(none);
        var listed = (await ListAsync(user)).Single(k => k.Id == newest.Id);
        Assert.Equal(factory.Time.GetUtcNow().UtcDateTime, listed.LastUsedAt);
    }

    [Fact]
    public async Task Writes_use_the_admin_rate_limit_and_reads_the_general_one()
    {
        await using var factory = new ConvergioFactory();
        var endpoints = RegisteredRoutes.All(factory)
            .Where(r => r.Pattern.StartsWith(Path, StringComparison.Ordinal))
            .ToDictionary(r => r.Key, r => r.Endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName);

        Assert.Equal(RateLimitPolicies.General, endpoints[$"GET {Path}"]);
        Assert.Equal(RateLimitPolicies.Admin, endpoints[$"POST {Path}"]);
        Assert.Equal(RateLimitPolicies.Admin, endpoints[$"DELETE {Path}/{{id:guid}}"]);
    }
}
