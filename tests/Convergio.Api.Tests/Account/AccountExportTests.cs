using System.Net;
using System.Text.Json;
using Convergio.Api.Account;
using Convergio.Api.Platform;
using Convergio.Api.Tests.Audit;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Convergio.Api.Tests.Infrastructure.TestSecondFactor;

namespace Convergio.Api.Tests.Account;

/// <summary>GET /api/v1/auth/me/export: everything stored about the user, and no secret.</summary>
public sealed class AccountExportTests
{
    private const string ExportPath = "/api/v1/auth/me/export";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_export_holds_profile_sessions_memberships_keys_factors_passkeys_tokens_and_audit_events(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var holder = await AccountHolder.CreateAsync(factory);

        var response = await holder.User.Browser.GetAsync(ExportPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var export = await ReadJsonAsync(response);
        Assert.Equal(holder.User.Email, export.GetProperty("profile").GetProperty("email").GetString());
        var sessions = export.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal(2, sessions.Count);
        Assert.All(sessions, s => Assert.False(string.IsNullOrEmpty(s.GetProperty("ip").GetString())));
        var membership = Assert.Single(export.GetProperty("memberships").EnumerateArray());
        Assert.Equal((holder.OrgId, "admin"), (membership.GetProperty("orgId").GetGuid(), membership.GetProperty("role").GetString()));
        Assert.Equal(holder.ApiKey[^4..], Assert.Single(export.GetProperty("providerKeys").EnumerateArray()).GetProperty("last4").GetString());
        Assert.True(export.GetProperty("secondFactors").GetProperty("totpEnabled").GetBoolean());
        Assert.Equal(holder.Totp.RecoveryCodes.Count, export.GetProperty("secondFactors").GetProperty("recoveryCodesUnused").GetInt32());
        Assert.Equal("Laptop", Assert.Single(export.GetProperty("passkeys").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal("CI", Assert.Single(export.GetProperty("apiTokens").EnumerateArray()).GetProperty("name").GetString());
        var actions = export.GetProperty("auditEvents").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("auth.login.succeeded", actions);
        Assert.Contains(AccountAuditActions.EmailChangeRequested, actions);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task No_secret_appears_in_the_export(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var holder = await AccountHolder.CreateAsync(factory);
        await AuditTrail.SealAsync(factory);
        var userId = holder.User.Id;
        var stored = await factory.WithDbAsync(async d => new
        {
            Password = await d.Users.Where(u => u.Id == userId).Select(u => u.PasswordHash).SingleAsync(Cancel),
            Sessions = await d.Sessions.Where(s => s.UserId == userId).Select(s => s.TokenHash).ToListAsync(Cancel),
            Totp = await d.TotpCredentials.Where(t => t.UserId == userId).Select(t => t.SecretCiphertext).SingleAsync(Cancel),
            RecoveryCodes = await d.RecoveryCodes.Where(c => c.UserId == userId).Select(c => c.CodeHash).ToListAsync(Cancel),
            Passkeys = await d.Passkeys.Where(p => p.UserId == userId).Select(p => p.PublicKey).ToListAsync(Cancel),
            Keys = await d.ProviderKeys.Where(k => k.UserId == userId).Select(k => k.Ciphertext).ToListAsync(Cancel),
            Tokens = await d.ApiTokens.Where(t => t.UserId == userId).Select(t => t.TokenHash).ToListAsync(Cancel),
            Links = await d.PasswordResetTokens.Where(t => t.UserId == userId).Select(t => t.TokenHash)
                .Concat(d.EmailChangeTokens.Where(t => t.UserId == userId).Select(t => t.TokenHash)).ToListAsync(Cancel),
            PersonalKeys = await d.AuditEvents.Where(e => e.ActorUserId == userId && e.PersonalKey != null).Select(e => e.PersonalKey!).ToListAsync(Cancel),
        });
        Assert.NotEmpty(stored.PersonalKeys);
        var hashes = stored.Sessions.Concat(stored.Tokens).Concat(stored.RecoveryCodes).Concat(stored.Passkeys).Concat(stored.Links)
            .SelectMany(h => new[] { Convert.ToBase64String(h), Convert.ToHexString(h), Convert.ToHexStringLower(h) });
        string[] secrets =
        [
            holder.User.Password, stored.Password, holder.Totp.Secret, stored.Totp, holder.ApiKey, holder.ApiToken, .. stored.Keys, .. holder.Totp.RecoveryCodes,
            .. stored.PersonalKeys, holder.User.Browser.Cookie(AuthNames.SessionCookie)!, holder.Laptop.Cookie(AuthNames.SessionCookie)!, .. hashes,
        ];

        var body = await (await holder.User.Browser.GetAsync(ExportPath)).Content.ReadAsStringAsync(Cancel);

        Assert.All(secrets, secret => Assert.DoesNotContain(secret, body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_export_is_audited()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();

        Assert.Equal(HttpStatusCode.OK, (await user.Browser.GetAsync(ExportPath)).StatusCode);

        Assert.Equal(1, await factory.WithDbAsync(d => d.AuditEvents.CountAsync(e => e.Action == AccountAuditActions.Exported && e.ActorUserId == user.Id, Cancel)));
    }

    [Fact]
    public async Task An_administrators_address_on_an_event_about_the_user_is_not_exported()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        var admin = await factory.CreatePlatformAdminAsync();
        admin.Browser.Client.DefaultRequestHeaders.UserAgent.ParseAdd("AdminConsole/9.1");
        Assert.Equal(HttpStatusCode.OK, (await admin.Browser.PostJsonAsync($"/api/v1/admin/users/{user.Id}/disable", new { })).StatusCode);
        await factory.UpdateUserAsync(user.Id, u => u.SetProperty(x => x.DisabledAt, (DateTime?)null));
        using var browser = await factory.SignInAsync(user);

        var export = await ReadJsonAsync(await browser.GetAsync(ExportPath));

        var disabled = Assert.Single(export.GetProperty("auditEvents").EnumerateArray(), e => e.GetProperty("action").GetString() == "admin.user_disabled");
        Assert.Equal(JsonValueKind.Null, disabled.GetProperty("ip").ValueKind);
        Assert.Equal(JsonValueKind.Null, disabled.GetProperty("userAgent").ValueKind);
    }

    [Fact]
    public async Task Exports_are_limited_by_the_sensitive_action_rate_limit()
    {
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?> { ["RateLimiting:Admin:PermitLimit"] = "2" });
        var user = await factory.CreateSignedInUserAsync();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await user.Browser.GetAsync(ExportPath)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }
}
