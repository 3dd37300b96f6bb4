using Convergio.Api.Data;
using Convergio.Api.Secrets;
using Microsoft.EntityFrameworkCore;
using OtpNet;

namespace Convergio.Api.Auth.Mfa;

/// <summary>
/// RFC 6238 codes as every authenticator app makes them: HMAC-SHA1, 6 digits, 30-second steps,
/// accepted one step either side for clock drift. Each accepted code moves the credential's last
/// used step forward in one conditional update, so a code (or an older one) is never accepted twice,
/// even by two requests racing.
/// </summary>
public sealed class TotpAuthenticator(ConvergioDb db, FernetKeyRing keys, TimeProvider time)
{
    public const string Issuer = "Convergio";
    public const int Digits = 6;
    public const int StepSeconds = 30;
    private const int SecretBytes = 20;
    private static readonly VerificationWindow Window = new(previous: 1, future: 1);

    /// <summary>A new 160-bit secret, base32 as authenticator apps expect it.</summary>
    public static string NewSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(SecretBytes));

    public static string ProvisioningUri(string secret, string accountName) =>
        new OtpUri(OtpType.Totp, secret, accountName, Issuer, OtpHashMode.Sha1, Digits, StepSeconds, 0).ToString();

    public string Protect(string secret) => keys.Encrypt(secret);

    /// <summary>The time step the code belongs to, if it is valid for the credential now (replay not considered).</summary>
    public long? Match(TotpCredential credential, string? code)
    {
        var digits = code is null ? "" : new string(code.Where(c => !char.IsWhiteSpace(c)).ToArray());
        if (digits.Length != Digits || !digits.All(char.IsAsciiDigit))
        {
            return null;
        }
        var totp = new Totp(Base32Encoding.ToBytes(keys.Decrypt(credential.SecretCiphertext)), StepSeconds, OtpHashMode.Sha1, Digits);
        return totp.VerifyTotp(time.GetUtcNow().UtcDateTime, digits, out var step, Window) ? step : null;
    }

    /// <summary>Accepts a code of the user's confirmed authenticator once: true only for a valid code newer than the last accepted one.</summary>
    public async Task<bool> AcceptAsync(Guid userId, string? code, CancellationToken cancellationToken)
    {
        var credential = await db.TotpCredentials.AsNoTracking().SingleOrDefaultAsync(t => t.UserId == userId && t.ConfirmedAt != null, cancellationToken);
        if (credential is null || Match(credential, code) is not { } step)
        {
            return false;
        }
        var accepted = await db.TotpCredentials
            .Where(t => t.UserId == userId && t.ConfirmedAt != null && (t.LastUsedTimeStep == null || t.LastUsedTimeStep < step))
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.LastUsedTimeStep, (long?)step), cancellationToken);
        return accepted == 1;
    }
}
