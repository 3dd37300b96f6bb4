using System.Net;
using System.Text.Json.Nodes;
using Convergio.Api.Auth;
using Convergio.Api.Auth.Passkeys;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using static Convergio.Api.Tests.Infrastructure.TestSecondFactor;

namespace Convergio.Api.Tests.Auth.Passkeys;

public sealed class PasskeyTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_registered_passkey_signs_in_with_a_passkey_session(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await user.Browser.RegisterPasskeyAsync(authenticator);
        using var browser = factory.CreateBrowser();

        var signIn = await browser.SignInWithPasskeyAsync(authenticator);

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Equal(user.Id, (await ReadJsonAsync(signIn)).GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/auth/me")).StatusCode);
        Assert.Equal(1, await factory.WithDbAsync(d => d.Sessions.CountAsync(s => s.UserId == user.Id && s.Method == SessionMethods.Passkey, Cancel)));
        Assert.Equal(1, await factory.WithDbAsync(d => d.Passkeys.Where(p => p.UserId == user.Id).Select(p => p.SignCount).SingleAsync(Cancel)));
        var actions = await factory.WithDbAsync(d => d.AuditEvents.Where(e => e.ActorUserId == user.Id && e.Action.StartsWith("auth.passkey")).Select(e => e.Action).ToListAsync(Cancel));
        Assert.Equal(["auth.passkey.registered", "auth.passkey.used"], actions);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Passkey_sign_in_ends_the_session_the_browser_had(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await user.Browser.RegisterPasskeyAsync(authenticator);
        var before = await factory.WithDbAsync(d => d.Sessions.Where(s => s.UserId == user.Id).Select(s => s.Id).SingleAsync(Cancel));

        Assert.Equal(HttpStatusCode.OK, (await user.Browser.SignInWithPasskeyAsync(authenticator)).StatusCode);

        var after = await factory.WithDbAsync(d => d.Sessions.Where(s => s.UserId == user.Id).Select(s => s.Id).ToListAsync(Cancel));
        Assert.DoesNotContain(before, after);
        Assert.Single(after);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_assertion_made_for_another_origin_is_refused(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await user.Browser.RegisterPasskeyAsync(authenticator);
        using var browser = factory.CreateBrowser();

        var signIn = await browser.SignInWithPasskeyAsync(authenticator, origin: "https://evil.example");

        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        Assert.Null(browser.Cookie("session"));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Registration_from_another_origin_is_refused(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        var options = await ReadJsonAsync(await user.Browser.PostJsonAsync("/api/v1/auth/passkeys/register/options", new { }));

        var response = await user.Browser.PostJsonAsync("/api/v1/auth/passkeys/register/complete",
            new JsonObject { ["name"] = "x", ["credential"] = authenticator.Create(options, "https://evil.example") });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await factory.WithDbAsync(d => d.Passkeys.CountAsync(Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_challenge_is_used_once(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await user.Browser.RegisterPasskeyAsync(authenticator);
        using var browser = factory.CreateBrowser();
        var options = await ReadJsonAsync(await browser.PostJsonAsync("/api/v1/auth/passkeys/login/options", new { }));
        Assert.Equal(HttpStatusCode.OK, (await browser.PostJsonAsync("/api/v1/auth/passkeys/login/complete", authenticator.Get(options, Origin))).StatusCode);

        // A fresh, validly signed assertion over the same challenge: only the challenge is replayed.
        using var attacker = factory.CreateBrowser();
        var replay = await attacker.PostJsonAsync("/api/v1/auth/passkeys/login/complete", authenticator.Get(options, Origin));

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_challenge_older_than_five_minutes_is_refused(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await user.Browser.RegisterPasskeyAsync(authenticator);
        using var browser = factory.CreateBrowser();
        var options = await ReadJsonAsync(await browser.PostJsonAsync("/api/v1/auth/passkeys/login/options", new { }));

        factory.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var late = await browser.PostJsonAsync("/api/v1/auth/passkeys/login/complete", authenticator.Get(options, Origin));

        Assert.Equal(HttpStatusCode.Unauthorized, late.StatusCode);
    }

    [Fact]
    public async Task An_assertion_without_user_verification_is_refused()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateVerifiedUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await user.Browser.RegisterPasskeyAsync(authenticator);
        using var browser = factory.CreateBrowser();

        // A passkey session counts as two factors only because the authenticator verified the user.
        authenticator.VerifiesUser = false;
        var signIn = await browser.SignInWithPasskeyAsync(authenticator);

        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        Assert.Null(browser.Cookie("session"));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_cloned_authenticator_whose_counter_does_not_advance_is_refused(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await user.Browser.RegisterPasskeyAsync(authenticator);
        using var original = factory.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await original.SignInWithPasskeyAsync(authenticator)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await original.SignInWithPasskeyAsync(authenticator)).StatusCode);

        // The clone was copied when the counter was 1: its next assertion says 2, which the server has seen.
        authenticator.SignCount = 1;
        using var clone = factory.CreateBrowser();
        var signIn = await clone.SignInWithPasskeyAsync(authenticator);

        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        Assert.Equal(2, await factory.WithDbAsync(d => d.Passkeys.Select(p => p.SignCount).SingleAsync(Cancel)));
        var reason = await factory.WithDbAsync(d => d.AuditEvents.Where(e => e.Action == "auth.login.failed").Select(e => e.Data).SingleAsync(Cancel));
        Assert.Contains("InvalidSignCount", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_registration_challenge_cannot_be_completed_by_another_user(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var victim = await factory.CreateVerifiedUserAsync();
        var other = await factory.CreateVerifiedUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        var options = await ReadJsonAsync(await victim.Browser.PostJsonAsync("/api/v1/auth/passkeys/register/options", new { }));

        var response = await other.Browser.PostJsonAsync("/api/v1/auth/passkeys/register/complete",
            new JsonObject { ["name"] = "x", ["credential"] = authenticator.Create(options, Origin) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Passkeys_are_listed_and_removed_by_their_owner_only(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        var other = await factory.CreateVerifiedUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        var id = await user.Browser.RegisterPasskeyAsync(authenticator, "Phone");

        var list = await ReadJsonAsync(await user.Browser.GetAsync("/api/v1/auth/passkeys"));
        Assert.Equal("Phone", list.EnumerateArray().Single().GetProperty("name").GetString());
        Assert.Empty((await ReadJsonAsync(await other.Browser.GetAsync("/api/v1/auth/passkeys"))).EnumerateArray());

        Assert.Equal(HttpStatusCode.NotFound, (await other.Browser.DeleteAsync($"/api/v1/auth/passkeys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.DeleteAsync($"/api/v1/auth/passkeys/{id}")).StatusCode);

        using var browser = factory.CreateBrowser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SignInWithPasskeyAsync(authenticator)).StatusCode);
        Assert.Equal(1, await factory.WithDbAsync(d => d.AuditEvents.CountAsync(e => e.Action == "auth.passkey.removed" && e.ActorUserId == user.Id, Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_passkey_is_renamed_by_its_owner_only(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        var other = await factory.CreateVerifiedUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        var id = await user.Browser.RegisterPasskeyAsync(authenticator, "Phone");

        var foreign = await other.Browser.PatchJsonAsync($"/api/v1/auth/passkeys/{id}", new { name = "Mine now" });
        var renamed = await user.Browser.PatchJsonAsync($"/api/v1/auth/passkeys/{id}", new { name = "  Old phone  " });

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("Old phone", (await ReadJsonAsync(renamed)).GetProperty("name").GetString());
        var list = await ReadJsonAsync(await user.Browser.GetAsync("/api/v1/auth/passkeys"));
        Assert.Equal("Old phone", list.EnumerateArray().Single().GetProperty("name").GetString());
        Assert.Equal(1, await factory.WithDbAsync(d => d.AuditEvents.CountAsync(e => e.Action == "auth.passkey.renamed" && e.ActorUserId == user.Id && e.TargetId == id.ToString(), Cancel)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("101")]
    public async Task A_passkey_name_that_is_blank_or_too_long_is_refused_and_the_old_name_kept(string? name)
    {
        await using var factory = new ConvergioFactory(Db.Sqlite);
        var user = await factory.CreateVerifiedUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        var id = await user.Browser.RegisterPasskeyAsync(authenticator, "Phone");

        var response = await user.Browser.PatchJsonAsync($"/api/v1/auth/passkeys/{id}", new { name = name == "101" ? new string('x', 101) : name });

        await ProblemAssert.IsValidationProblemAsync(response, "name");
        Assert.Equal("Phone", await factory.WithDbAsync(d => d.Passkeys.Where(p => p.Id == id).Select(p => p.Name).SingleAsync(Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Parallel_renames_of_one_passkey_all_succeed_and_one_name_stays(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        var id = await user.Browser.RegisterPasskeyAsync(authenticator, "Phone");
        var names = Enumerable.Range(0, 8).Select(i => $"Name {i}").ToArray();

        var responses = await Task.WhenAll(names.Select(name => user.Browser.PatchJsonAsync($"/api/v1/auth/passkeys/{id}", new { name })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Contains(await factory.WithDbAsync(d => d.Passkeys.Where(p => p.Id == id).Select(p => p.Name).SingleAsync(Cancel)), names);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_rename_that_loses_a_race_with_removal_is_a_409_and_saves_nothing(Db db)
    {
        var removal = new RemovedBeforeSave();
        await using var factory = new ConvergioFactory(db).WithServices(s => s.AddSingleton<IInterceptor>(removal));
        var user = await factory.CreateVerifiedUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        var id = await user.Browser.RegisterPasskeyAsync(authenticator, "Phone");

        var response = await user.Browser.PatchJsonAsync($"/api/v1/auth/passkeys/{id}", new { name = "Old phone" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
        Assert.False(await factory.WithDbAsync(d => d.Passkeys.AnyAsync(p => p.Id == id, Cancel)));
        Assert.False(await factory.WithDbAsync(d => d.AuditEvents.AnyAsync(e => e.Action == "auth.passkey.renamed", Cancel)));
    }

    /// <summary>Removes a passkey being renamed just before the rename is saved, as a removal in another request would.</summary>
    private sealed class RemovedBeforeSave : SaveChangesInterceptor
    {
        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            foreach (var renamed in eventData.Context!.ChangeTracker.Entries<Passkey>().Where(e => e.State == EntityState.Modified).ToList())
            {
                var id = renamed.Entity.Id;
                await eventData.Context.Set<Passkey>().Where(p => p.Id == id).ExecuteDeleteAsync(cancellationToken);
            }
            return result;
        }
    }
}
