using System.Net;
using System.Net.Sockets;
using Convergio.Api.Auth;

namespace Convergio.Api.Edge;

/// <summary>
/// What each policy counts against. Keys never depend on the path (so case or a trailing slash
/// cannot open a new bucket) and never hold an email in clear.
/// </summary>
public static class RateLimitKeys
{
    /// <summary>
    /// The client address after the forwarded-headers step (which honours X-Forwarded-For only
    /// from configured proxies). IPv6 clients are counted by their /64, the block one subscriber
    /// usually holds, so rotating addresses inside it gains nothing.
    /// </summary>
    public static string ClientAddress(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>
    /// The API token that authenticated the request (each token has its own bucket, which neither the
    /// user's sessions nor the user's other tokens share), else the signed-in user, else the client address.
    /// </summary>
    public static string Identity(HttpContext context) =>
        context.User.FindTokenId() is { } tokenId ? $"token:{tokenId:N}"
        : context.User.FindUserId() is { } userId ? $"user:{userId:N}"
        : $"ip:{ClientAddress(context)}";

    /// <summary>The bucket of one policy for this request.</summary>
    public static string For(string policy, HttpContext context) => policy switch
    {
        RateLimitPolicies.Auth => $"{policy}:ip:{ClientAddress(context)}",
        _ => $"{policy}:{Identity(context)}",
    };

    /// <summary>The per-account bucket: a hash of the normalized email (trimmed, lower-case).</summary>
    public static string Account(string email) =>
        $"{RateLimitPolicies.Account}:{Emails.Fingerprint(Emails.Normalize(email))}";

    /// <summary>The per-account bucket of one browser holding a valid device cookie for the account.</summary>
    public static string Device(Guid deviceId) => $"{RateLimitPolicies.Account}:device:{deviceId:N}";
}
