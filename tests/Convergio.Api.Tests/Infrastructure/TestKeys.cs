using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;

namespace Convergio.Api.Tests.Infrastructure;

/// <summary>Keys and passwords made at run time: nothing secret-looking is committed.</summary>
public static class TestKeys
{
    public static string SigningKey() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(48));

    public static string FernetKey() => Api.Secrets.FernetKey.Generate();

    public static string StripeWebhookSecret() => "whsec_" + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(24));

    public static string Password() => "pw-" + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(18));
}
