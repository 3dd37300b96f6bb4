using System.Security.Cryptography;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace Convergio.Api.Tests.Observability;

/// <summary>One of each kind of personal or secret value, generated per test, to send in and look for on the way out.</summary>
public sealed class PiiProbe
{
    public string Email { get; } = $"probe-{Guid.NewGuid():N}@example.test";
    public string Password { get; } = TestKeys.Password();
    public string IPv4 { get; } = $"198.51.100.{RandomNumberGenerator.GetInt32(1, 255)}";
    public string IPv6 { get; } = $"2001:db8::{RandomNumberGenerator.GetInt32(1, 0xffff):x}:{RandomNumberGenerator.GetInt32(1, 0xffff):x}";
    public string BearerToken { get; } = TestKeys.SigningKey();
    public string CsrfHeader { get; } = TestKeys.SigningKey();
    public string QueryToken { get; } = TestKeys.SigningKey();
    public string SessionValue { get; } = TestKeys.SigningKey();
    public string ApiKey { get; } = "sk-" + TestKeys.SigningKey();
    public string WebhookSecret { get; } = "whsec_" + TestKeys.SigningKey();
    public string Fernet { get; } = FernetToken();

    /// <summary>Every value that must never leave.</summary>
    public IEnumerable<string> All => [Email, Password, IPv4, IPv6, BearerToken, CsrfHeader, QueryToken, SessionValue, ApiKey, WebhookSecret, Fernet];

    /// <summary>A Fernet-shaped token: version 0x80, a 64-bit timestamp (high bytes zero until 2106), IV, ciphertext and HMAC, base64url.</summary>
    public static string FernetToken() =>
        WebEncoders.Base64UrlEncode([0x80, 0, 0, 0, 0, .. RandomNumberGenerator.GetBytes(4 + 16 + 32 + 32)]) + "==";
}
