using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Convergio.Api.Auth;
using Convergio.Api.Platform;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Convergio.Api.Tests.Infrastructure.AuthTestExtensions;

namespace Convergio.Api.Tests.Auth;

public sealed class RegisterTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Register_is_201_with_the_user_json_a_session_cookie_and_a_csrf_cookie(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var browser = factory.CreateBrowser();
        var email = NewEmail();

        var response = await browser.Client.PostAsJsonAsync(RegisterPath, new { email, password = TestKeys.Password(), fullName = "  Ada Lovelace " }, Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement;
        Assert.Equal(["id", "email", "fullName", "tier", "emailVerified", "mfaEnabled", "platformAdmin"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(email, body.GetProperty("email").GetString());
        Assert.Equal("Ada Lovelace", body.GetProperty("fullName").GetString());
        Assert.Equal("free", body.GetProperty("tier").GetString());
        var setCookies = response.Headers.GetValues("Set-Cookie").ToList();
        var session = Assert.Single(setCookies, c => c.StartsWith(AuthNames.SessionCookie + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("max-age=604800", session, StringComparison.OrdinalIgnoreCase);
        var csrf = Assert.Single(setCookies, c => c.StartsWith(AuthNames.CsrfCookie + "=", StringComparison.Ordinal));
        Assert.DoesNotContain("httponly", csrf, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await browser.Client.GetAsync("/api/v1/auth/me", Cancel)).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Register_stores_the_email_trimmed_and_lower_cased_and_an_argon2id_hash(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var local = $"Mixed.Case-{Guid.NewGuid():N}";
        var password = TestKeys.Password();
        using var user = await factory.CreateSignedInUserAsync($"  {local}@Example.TEST ", password);

        var stored = await factory.WithDbAsync(d => d.Users.SingleAsync(u => u.Id == user.Id, Cancel));

        Assert.Equal($"{local.ToLowerInvariant()}@example.test", stored.Email);
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", stored.PasswordHash, StringComparison.Ordinal);
        Assert.DoesNotContain(password, stored.PasswordHash, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Register_with_a_taken_email_in_another_case_is_409_problem(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var first = await factory.CreateSignedInUserAsync();
        using var browser = factory.CreateBrowser();

        var response = await browser.Client.PostAsJsonAsync(RegisterPath, new { email = first.Email.ToUpperInvariant(), password = TestKeys.Password() }, Cancel);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Null(browser.Cookie(AuthNames.SessionCookie));
        Assert.Equal(1, await factory.WithDbAsync(d => d.Users.CountAsync(Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Twenty_parallel_registrations_of_one_email_create_one_user_and_nineteen_409s(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var email = NewEmail();
        var browsers = Enumerable.Range(0, 20).Select(_ => factory.CreateBrowser()).ToList();

        var responses = await Task.WhenAll(browsers.Select(b =>
            b.Client.PostAsJsonAsync(RegisterPath, new { email, password = TestKeys.Password() }, Cancel)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await factory.WithDbAsync(d => d.Users.CountAsync(u => u.Email == email, Cancel)));
        Assert.Equal(1, await factory.WithDbAsync(d => d.Sessions.CountAsync(Cancel)));
        Assert.Equal(1, await factory.WithDbAsync(d => d.AuditEvents.CountAsync(e => e.Action == AuthAuditActions.Register, Cancel)));
        browsers.ForEach(b => b.Dispose());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Register_with_an_invalid_email_and_a_short_password_is_400_naming_both_rules(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var browser = factory.CreateBrowser();

        var response = await browser.Client.PostAsJsonAsync(RegisterPath, new { email = "not-an-email", password = "short" }, Cancel);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Contains("valid email", errors.GetProperty("email")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("at least 8", errors.GetProperty("password")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await factory.WithDbAsync(d => d.Users.CountAsync(Cancel)));
    }

    [Theory]
    [InlineData("password1", "too common")]
    [InlineData("{email}", "email")]
    public async Task Register_with_a_refused_password_is_400_saying_which_rule(string password, string rule)
    {
        await using var factory = new ConvergioFactory();
        using var browser = factory.CreateBrowser();
        var email = NewEmail();

        var response = await browser.Client.PostAsJsonAsync(RegisterPath, new { email, password = password.Replace("{email}", email, StringComparison.Ordinal) }, Cancel);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(rule, problem.GetProperty("errors").GetProperty("password")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_without_a_body_is_400_not_500()
    {
        await using var factory = new ConvergioFactory();
        using var browser = factory.CreateBrowser();

        var response = await browser.Client.PostAsync(RegisterPath, new StringContent("{\"email\":", System.Text.Encoding.UTF8, "application/json"), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Register_writes_an_audit_row_in_the_same_transaction(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();

        var audit = await factory.WithDbAsync(d => d.AuditEvents.SingleAsync(e => e.Action == AuthAuditActions.Register, Cancel));

        Assert.Equal(user.Id, audit.ActorUserId);
        Assert.Equal(user.Id.ToString(), audit.TargetId);
        Assert.Equal("success", audit.Outcome);
        Assert.Equal(user.Browser.RemoteIp.ToString(), audit.Ip);
    }
}
