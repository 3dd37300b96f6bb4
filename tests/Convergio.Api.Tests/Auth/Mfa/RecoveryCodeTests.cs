using System.Net;
using Convergio.Api.Auth;
using Convergio.Api.Auth.Mfa;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Convergio.Api.Tests.Infrastructure.TestSecondFactor;

namespace Convergio.Api.Tests.Auth.Mfa;

public sealed class RecoveryCodeTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_recovery_code_signs_in_once(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);
        using var first = await factory.SignInPendingAsync(user);

        var used = await first.PostJsonAsync("/api/v1/auth/mfa/verify", new { recoveryCode = totp.RecoveryCodes[3].ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        Assert.Equal(1, await factory.WithDbAsync(d => d.Sessions.CountAsync(s => s.UserId == user.Id && s.Method == SessionMethods.PasswordAndRecoveryCode, Cancel)));

        using var second = await factory.SignInPendingAsync(user);
        var again = await second.PostJsonAsync("/api/v1/auth/mfa/verify", new { recoveryCode = totp.RecoveryCodes[3] });
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Regenerating_recovery_codes_kills_the_old_ones(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);

        var regenerated = await user.Browser.PostJsonAsync("/api/v1/auth/mfa/recovery-codes", new { code = factory.TotpCode(totp.Secret) });
        Assert.Equal(HttpStatusCode.OK, regenerated.StatusCode);
        var fresh = (await ReadJsonAsync(regenerated)).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(10, fresh.Count);
        Assert.Empty(fresh.Intersect(totp.RecoveryCodes));

        using var old = await factory.SignInPendingAsync(user);
        Assert.Equal(HttpStatusCode.Unauthorized, (await old.PostJsonAsync("/api/v1/auth/mfa/verify", new { recoveryCode = totp.RecoveryCodes[0] })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await old.PostJsonAsync("/api/v1/auth/mfa/verify", new { recoveryCode = fresh[0] })).StatusCode);
    }

    [Fact]
    public void Recovery_codes_have_80_random_bits_in_a_readable_form()
    {
        var codes = Enumerable.Range(0, 100).Select(_ => RecoveryCodes.New()).ToList();

        Assert.All(codes, c => Assert.Matches("^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$", c));
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.Equal(RecoveryCodes.Hash(codes[0]), RecoveryCodes.Hash(" " + codes[0].ToUpperInvariant().Replace("-", "", StringComparison.Ordinal)));
    }
}
