using System.Net;
using System.Text.Json;
using Convergio.Api.Auth;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Tests.Auth;

public sealed class LoginTests
{
    private static async Task<string> BodyAsync(HttpResponseMessage response)
    {
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        return $"{problem.GetProperty("status")}|{problem.GetProperty("title")}|{problem.GetProperty("detail")}";
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Login_with_the_right_password_is_200_with_the_user_and_a_new_session(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();

        using var browser = await factory.SignInAsync(user);

        Assert.NotEqual(user.Browser.Cookie("session"), browser.Cookie("session"));
        Assert.Equal(2, await factory.QueryAsync(d => d.Sessions.CountAsync(s => s.UserId == user.Id, TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Wrong_password_and_unknown_email_give_the_same_401_body(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        using var browser = new TestBrowser(factory);

        var wrongPassword = await browser.PostJsonAsync("/api/v1/auth/login", new { email = user.Email, password = TestKeys.Password() });
        var unknownEmail = await browser.PostJsonAsync("/api/v1/auth/login", new { email = TestUsers.NewEmail(), password = TestKeys.Password() });

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownEmail.StatusCode);
        Assert.Equal(await BodyAsync(wrongPassword), await BodyAsync(unknownEmail));
        Assert.Contains("Invalid credentials", await BodyAsync(unknownEmail), StringComparison.Ordinal);
        Assert.Null(browser.Cookie("session"));
    }

    [Fact]
    public async Task Login_accepts_the_email_in_any_case_with_spaces()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        using var browser = new TestBrowser(factory);

        var response = await browser.PostJsonAsync("/api/v1/auth/login", new { email = $"  {user.Email.ToUpperInvariant()} ", password = user.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in_and_gets_the_same_401()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        await factory.UpdateUserAsync(user.Id, u => u.DisabledAt = DateTime.UtcNow);
        using var browser = new TestBrowser(factory);

        var response = await browser.PostJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Invalid credentials", await BodyAsync(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task After_five_failures_even_the_right_password_gets_429_until_the_penalty_ends(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        using var browser = new TestBrowser(factory);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "wrong-" + i })).StatusCode);
        }

        var locked = await browser.PostJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), locked.Headers.RetryAfter?.Delta);

        factory.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HttpStatusCode.OK, (await browser.PostJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password })).StatusCode);
    }

    [Fact]
    public async Task The_penalty_doubles_with_each_further_failure_and_caps_at_15_minutes()
    {
        await using var factory = new ConvergioFactory();
        var email = TestUsers.NewEmail();
        using var browser = new TestBrowser(factory);
        var waits = new List<TimeSpan?>();
        for (var i = 0; i < 12; i++)
        {
            await browser.PostJsonAsync("/api/v1/auth/login", new { email, password = "wrong" });
            var blocked = await browser.PostJsonAsync("/api/v1/auth/login", new { email, password = "wrong" });
            waits.Add(blocked.Headers.RetryAfter?.Delta);
            factory.Time.Advance(TimeSpan.FromMinutes(16));
        }

        Assert.Equal(TimeSpan.FromMinutes(15), waits[^1]);
        Assert.All(waits.Where(w => w is not null), w => Assert.True(w <= TimeSpan.FromMinutes(15)));
    }

    [Fact]
    public async Task Unknown_accounts_are_penalised_like_known_ones_so_429_reveals_nothing()
    {
        await using var factory = new ConvergioFactory();
        using var browser = new TestBrowser(factory);
        var email = TestUsers.NewEmail();
        for (var i = 0; i < 5; i++)
        {
            await browser.PostJsonAsync("/api/v1/auth/login", new { email, password = "wrong" });
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await browser.PostJsonAsync("/api/v1/auth/login", new { email, password = "wrong" })).StatusCode);
    }

    [Fact]
    public async Task Unknown_email_does_exactly_the_same_argon2id_work_as_a_wrong_password()
    {
        var counting = new CountingHasher();
        await using var factory = new ConvergioFactory().WithServices(s =>
        {
            s.RemoveAll<IPasswordHasher>();
            s.AddSingleton<IPasswordHasher>(sp => counting.Wrap(new Argon2idPasswordHasher(sp.GetRequiredService<IOptions<AuthOptions>>())));
        });
        var user = await factory.CreateSignedInUserAsync();
        using var browser = new TestBrowser(factory);

        counting.Calls.Clear();
        await browser.PostJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "wrong-password" });
        var knownEmail = counting.Calls.ToList();
        counting.Calls.Clear();
        await browser.PostJsonAsync("/api/v1/auth/login", new { email = TestUsers.NewEmail(), password = "wrong-password" });
        var unknownEmail = counting.Calls.ToList();

        Assert.Equal(["verify m=19456,t=2,p=1"], knownEmail);
        Assert.Equal(knownEmail, unknownEmail);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Login_outcomes_are_audited(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        using var browser = new TestBrowser(factory);
        await browser.PostJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "wrong-password" });
        await browser.PostJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });

        var actions = await factory.QueryAsync(d => d.AuditEvents.Where(e => e.ActorUserId == user.Id).OrderBy(e => e.Id).Select(e => e.Action + ":" + e.Outcome).ToListAsync(TestContext.Current.CancellationToken));

        Assert.Equal(["auth.register:success", "auth.login.failed:failure", "auth.login.succeeded:success"], actions);
    }

    /// <summary>Records each hashing operation and the cost it ran with.</summary>
    private sealed class CountingHasher
    {
        public List<string> Calls { get; } = [];

        public IPasswordHasher Wrap(IPasswordHasher inner) => new Counting(inner, Calls);

        private sealed class Counting(IPasswordHasher inner, List<string> calls) : IPasswordHasher
        {
            public string DummyHash => inner.DummyHash;

            public Task<string> HashAsync(string password)
            {
                lock (calls)
                {
                    calls.Add("hash");
                }
                return inner.HashAsync(password);
            }

            public Task<PasswordVerification> VerifyAsync(string password, string phc)
            {
                lock (calls)
                {
                    calls.Add("verify " + phc.Split('$')[3]);
                }
                return inner.VerifyAsync(password, phc);
            }
        }
    }
}
