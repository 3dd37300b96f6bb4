using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Convergio.Api.Auth;
using Convergio.Api.Observability;
using Convergio.Api.Platform;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using static Convergio.Api.Tests.Infrastructure.AuthTestExtensions;

namespace Convergio.Api.Tests.Auth;

public sealed class LoginTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>The body of a 401 without its per-request trace id.</summary>
    private static async Task<string> CredentialsProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("Invalid credentials", await ProblemAssert.DetailAsync(response, HttpStatusCode.Unauthorized));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement;
        return JsonSerializer.Serialize(body.EnumerateObject().Where(p => p.Name != "traceId").ToDictionary(p => p.Name, p => p.Value));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Login_with_the_right_password_is_200_with_the_user_and_new_cookies(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        using var browser = factory.CreateBrowser();

        var response = await browser.LoginAsync($"  {user.Email.ToUpperInvariant()} ", user.Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<UserBody>(Cancel);
        Assert.Equal(new UserBody(user.Id, user.Email, "Test User", "free"), body);
        Assert.NotNull(browser.Cookie(AuthNames.SessionCookie));
        Assert.NotNull(browser.Cookie(AuthNames.CsrfCookie));
        Assert.Equal(HttpStatusCode.OK, (await browser.Client.GetAsync("/api/v1/auth/me", Cancel)).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Login_with_a_wrong_password_is_401_with_the_same_body_as_an_unknown_email(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        using var browser = factory.CreateBrowser();

        var wrongPassword = await browser.LoginAsync(user.Email, TestKeys.Password());
        var unknownEmail = await browser.LoginAsync(NewEmail(), TestKeys.Password());

        Assert.Equal(await CredentialsProblemAsync(wrongPassword), await CredentialsProblemAsync(unknownEmail));
        Assert.Null(browser.Cookie(AuthNames.SessionCookie));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Login_of_a_disabled_user_with_the_right_password_is_the_same_401(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        await factory.WithDbAsync(d => d.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.DisabledAt, DateTime.UtcNow), Cancel));
        using var browser = factory.CreateBrowser();

        var disabled = await browser.LoginAsync(user.Email, user.Password);
        var unknown = await browser.LoginAsync(NewEmail(), TestKeys.Password());

        Assert.Equal(await CredentialsProblemAsync(unknown), await CredentialsProblemAsync(disabled));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Unknown_email_login_does_exactly_the_argon2id_work_of_a_wrong_password(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        using var browser = factory.CreateBrowser();
        var meters = factory.Services.GetRequiredService<IMeterFactory>();

        async Task<string[]> WorkOfAsync(string email)
        {
            using var derivations = new MetricCollector<long>(meters, SecurityMetrics.MeterName, Argon2idPasswordHasher.DerivationsInstrument);
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.LoginAsync(email, TestKeys.Password())).StatusCode);
            return derivations.GetMeasurementSnapshot()
                .Select(m => $"{m.Value}x {m.Tags["operation"]} m={m.Tags["m"]} t={m.Tags["t"]} p={m.Tags["p"]}")
                .ToArray();
        }

        var wrongPassword = await WorkOfAsync(user.Email);
        var unknownEmail = await WorkOfAsync(NewEmail());

        Assert.Equal(["1x verify m=19456 t=2 p=1"], wrongPassword);
        Assert.Equal(wrongPassword, unknownEmail);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Concurrent_failed_logins_for_one_account_are_all_401_and_all_counted(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var email = NewEmail();
        var browsers = Enumerable.Range(0, AttemptThrottle.FreeLoginFailures).Select(_ => factory.CreateBrowser()).ToList();

        var responses = await Task.WhenAll(browsers.Select(b => b.LoginAsync(email, TestKeys.Password())));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        var key = AttemptThrottle.LoginKey(email);
        Assert.Equal(AttemptThrottle.FreeLoginFailures, await factory.WithDbAsync(d => d.ThrottleBuckets.Where(b => b.Key == key).Select(b => b.Count).SingleAsync(Cancel)));
        Assert.Equal(AttemptThrottle.FreeLoginFailures, await factory.WithDbAsync(d => d.AuditEvents.CountAsync(e => e.Action == AuthAuditActions.LoginFailed, Cancel)));
        browsers.ForEach(b => b.Dispose());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Each_login_starts_a_new_session_and_ends_the_one_the_browser_had(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var before = user.Browser.Cookie(AuthNames.SessionCookie)!;

        Assert.Equal(HttpStatusCode.OK, (await user.Browser.LoginAsync(user.Email, user.Password)).StatusCode);
        var after = user.Browser.Cookie(AuthNames.SessionCookie)!;

        Assert.NotEqual(before, after);
        Assert.Equal(1, await factory.WithDbAsync(d => d.Sessions.CountAsync(s => s.UserId == user.Id, Cancel)));
        using var replay = factory.CreateBrowser();
        replay.SetCookie(AuthNames.SessionCookie, before);
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.Client.GetAsync("/api/v1/auth/me", Cancel)).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_planted_session_cookie_is_never_adopted_by_login(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        using var browser = factory.CreateBrowser();
        var planted = TestKeys.SigningKey();
        browser.SetCookie(AuthNames.SessionCookie, planted);

        Assert.Equal(HttpStatusCode.OK, (await browser.LoginAsync(user.Email, user.Password)).StatusCode);

        Assert.NotEqual(planted, browser.Cookie(AuthNames.SessionCookie));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Login_upgrades_a_hash_weaker_than_the_configured_cost(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var weakCost = Options.Create(new PasswordHashingOptions { MemoryKiB = 8192, Iterations = 1 });
        using (var gate = new PasswordHashingGate(weakCost))
        {
            var weak = new Argon2idPasswordHasher(weakCost, gate, factory.Services.GetRequiredService<IMeterFactory>());
            var weakHash = await weak.HashAsync(user.Password, Cancel);
            await factory.WithDbAsync(d => d.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.PasswordHash, weakHash), Cancel));
        }
        using var browser = factory.CreateBrowser();

        Assert.Equal(HttpStatusCode.OK, (await browser.LoginAsync(user.Email, user.Password)).StatusCode);

        var stored = await factory.WithDbAsync(d => d.Users.SingleAsync(u => u.Id == user.Id, Cancel));
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", stored.PasswordHash, StringComparison.Ordinal);
        using var again = factory.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await again.LoginAsync(user.Email, user.Password)).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Login_audits_success_and_failure_with_a_reason_and_never_the_password(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        using var browser = factory.CreateBrowser();
        var wrong = TestKeys.Password();

        await browser.LoginAsync(user.Email, wrong);
        await browser.LoginAsync(NewEmail(), wrong);
        await browser.LoginAsync(user.Email, user.Password);

        var rows = await factory.WithDbAsync(d => d.AuditEvents.Where(e => e.Action.StartsWith("auth.login")).OrderBy(e => e.Id).ToListAsync(Cancel));
        Assert.Equal(
            [(AuthAuditActions.LoginFailed, "failure", (Guid?)user.Id), (AuthAuditActions.LoginFailed, "failure", null), (AuthAuditActions.LoginSucceeded, "success", user.Id)],
            rows.Select(r => (r.Action, r.Outcome, r.ActorUserId)));
        Assert.Contains("wrong_password", rows[0].Data, StringComparison.Ordinal);
        Assert.Contains("unknown_account", rows[1].Data, StringComparison.Ordinal);
        Assert.All(rows, r => Assert.DoesNotContain(wrong, r.Data ?? "", StringComparison.Ordinal));
        Assert.All(rows, r => Assert.DoesNotContain(user.Password, r.Data ?? "", StringComparison.Ordinal));
    }
}
