using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Convergio.Api.Tests.Infrastructure;

/// <summary>Stripe webhook deliveries as Stripe makes them: event JSON, the signature header, the POST.</summary>
public static class TestStripe
{
    public const string Path = "/api/v1/webhooks/stripe";

    public static string EventJson(string type, object dataObject, DateTimeOffset created, string? id = null) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["id"] = id ?? "evt_" + Guid.NewGuid().ToString("N"),
        ["object"] = "event",
        ["api_version"] = Stripe.StripeConfiguration.ApiVersion,
        ["created"] = created.ToUnixTimeSeconds(),
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["type"] = type,
        ["data"] = new Dictionary<string, object?> { ["object"] = dataObject },
    });

    public static object Subscription(Guid orgId, string status, string tier = "pro") => new Dictionary<string, object?>
    {
        ["id"] = "sub_" + Guid.NewGuid().ToString("N")[..14],
        ["object"] = "subscription",
        ["status"] = status,
        ["metadata"] = new Dictionary<string, string> { ["orgId"] = orgId.ToString(), ["tier"] = tier },
    };

    /// <summary>The header Stripe sends: <c>t=…,v1=hex(HMAC-SHA256(secret, "{t}.{payload}"))</c>.</summary>
    public static string Sign(string payload, string secret, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{payload}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    public static async Task<HttpResponseMessage> DeliverAsync(ConvergioFactory factory, string payload, string? signature)
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
