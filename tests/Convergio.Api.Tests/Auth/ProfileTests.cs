using System.Net;
using Convergio.Api.Auth;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Convergio.Api.Tests.Infrastructure.TestSecondFactor;

namespace Convergio.Api.Tests.Auth;

/// <summary>PATCH /api/v1/auth/me: the signed-in user sets their full name, and nothing else.</summary>
public sealed class ProfileTests
{
    private const string MePath = "/api/v1/auth/me";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> PatchAsync(TestBrowser browser, object body) => browser.PatchJsonAsync(MePath, body);

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_full_name_is_trimmed_stored_returned_and_audited(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();

        var response = await PatchAsync(user.Browser, new { fullName = "  Ada Lovelace " });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Ada Lovelace", (await ReadJsonAsync(response)).GetProperty("fullName").GetString());
        Assert.Equal("Ada Lovelace", (await ReadJsonAsync(await user.Browser.GetAsync(MePath))).GetProperty("fullName").GetString());
        Assert.Equal(1, await factory.WithDbAsync(d => d.AuditEvents.CountAsync(e => e.Action == AuthAuditActions.ProfileUpdated && e.ActorUserId == user.Id, Cancel)));
    }

    [Fact]
    public async Task An_empty_full_name_clears_it()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();

        var response = await PatchAsync(user.Browser, new { fullName = " " });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(await factory.WithDbAsync(d => d.Users.Where(u => u.Id == user.Id).Select(u => u.FullName).SingleAsync(Cancel)));
    }

    [Fact]
    public async Task Other_fields_are_ignored_so_the_email_does_not_change()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();

        var response = await PatchAsync(user.Browser, new { fullName = "Grace", email = AuthTestExtensions.NewEmail(), isPlatformAdmin = true, tier = "enterprise" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await factory.WithDbAsync(d => d.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id, Cancel));
        Assert.Equal((user.Email, false, "free"), (stored.Email, stored.IsPlatformAdmin, stored.Tier));
    }

    [Fact]
    public async Task A_full_name_over_200_characters_is_400_naming_the_field_and_changes_nothing()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();

        var response = await PatchAsync(user.Browser, new { fullName = new string('n', FullNames.MaxLength + 1) });

        await ProblemAssert.IsValidationProblemAsync(response, "fullName");
        Assert.Equal("Test User", await factory.WithDbAsync(d => d.Users.Where(u => u.Id == user.Id).Select(u => u.FullName).SingleAsync(Cancel)));
    }

    [Fact]
    public async Task A_full_name_with_a_line_break_is_400_naming_the_field()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();

        await ProblemAssert.IsValidationProblemAsync(await PatchAsync(user.Browser, new { fullName = "Ada\nBcc: someone" }), "fullName");
    }

    [Fact]
    public async Task Without_a_session_the_profile_is_401()
    {
        await using var factory = new ConvergioFactory();
        using var browser = factory.CreateBrowser();

        Assert.Equal(HttpStatusCode.Unauthorized, (await PatchAsync(browser, new { fullName = "Nobody" })).StatusCode);
    }
}
