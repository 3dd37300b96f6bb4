using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Convergio.Api.Auth;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Tests.Auth;

public sealed class RegistrationTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Register_creates_the_user_signs_them_in_and_returns_201_with_the_user(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var browser = new TestBrowser(factory);
        var password = TestKeys.Password();

        var response = await browser.PostJsonAsync("/api/v1/auth/register", new { email = "  New.User@Example.TEST ", password, fullName = "New User" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var user = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("new.user@example.test", user.GetProperty("email").GetString());
        Assert.Equal("New User", user.GetProperty("fullName").GetString());
        Assert.Equal("free", user.GetProperty("tier").GetString());
        Assert.Equal(4, user.EnumerateObject().Count());
        Assert.NotNull(browser.Cookie("session"));
        Assert.NotNull(browser.Cookie("csrf_token"));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/auth/me")).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Register_with_a_taken_email_in_another_case_is_409(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var existing = await factory.CreateSignedInUserAsync();
        using var browser = new TestBrowser(factory);

        var response = await browser.PostJsonAsync("/api/v1/auth/register", new { email = existing.Email.ToUpperInvariant(), password = TestKeys.Password() });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(browser.Cookie("session"));
    }

    [Theory]
    [InlineData("not-an-email", "email")]
    [InlineData("", "email")]
    [InlineData("a@b", "email")]
    public async Task Register_with_a_malformed_email_is_400_naming_the_field(string email, string field)
    {
        await using var factory = new ConvergioFactory();
        using var browser = new TestBrowser(factory);

        var response = await browser.PostJsonAsync("/api/v1/auth/register", new { email, password = TestKeys.Password() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Twenty_parallel_registrations_of_one_email_create_exactly_one_user(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var email = TestUsers.NewEmail();
        var password = TestKeys.Password();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var browser = new TestBrowser(factory);
            return (await browser.PostJsonAsync("/api/v1/auth/register", new { email, password })).StatusCode;
        }));

        Assert.Equal(1, responses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(19, responses.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal(1, await factory.QueryAsync(d => d.Users.CountAsync(u => u.Email == email, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Register_body_cannot_grant_admin_or_tier()
    {
        await using var factory = new ConvergioFactory();
        using var browser = new TestBrowser(factory);
        var email = TestUsers.NewEmail();

        var response = await browser.PostJsonAsync("/api/v1/auth/register", new { email, password = TestKeys.Password(), isPlatformAdmin = true, tier = "enterprise" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var user = await factory.QueryAsync(d => d.Users.SingleAsync(u => u.Email == email, TestContext.Current.CancellationToken));
        Assert.False(user.IsPlatformAdmin);
        Assert.Equal("free", user.Tier);
    }

    [Fact]
    public async Task Register_stores_an_argon2id_hash_never_the_password()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();

        var stored = await factory.QueryAsync(d => d.Users.SingleAsync(u => u.Id == user.Id, TestContext.Current.CancellationToken));

        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", stored.PasswordHash, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Password, stored.PasswordHash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_json_is_400_problem()
    {
        await using var factory = new ConvergioFactory();
        using var browser = new TestBrowser(factory);

        var response = await browser.Client.PostAsync("/api/v1/auth/register", new StringContent("{\"email\": ", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Wrong_content_type_is_415_problem()
    {
        await using var factory = new ConvergioFactory();
        using var browser = new TestBrowser(factory);

        var response = await browser.Client.PostAsync("/api/v1/auth/register", new StringContent("email=a@b.c", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Register_writes_an_audit_event_without_the_password()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();

        var events = await factory.QueryAsync(d => d.AuditEvents.Where(e => e.Action == AuthAuditActions.Register).ToListAsync(TestContext.Current.CancellationToken));

        var registered = Assert.Single(events);
        Assert.Equal(user.Id, registered.ActorUserId);
        Assert.DoesNotContain(user.Password, registered.Data ?? "", StringComparison.Ordinal);
    }
}
