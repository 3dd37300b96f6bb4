using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sentry;

namespace Convergio.Api.Tests.Observability;

/// <summary>
/// Errors carrying every kind of PII go through the real SDK to a loopback receiver; the envelopes
/// it actually sent must not contain any of the values. One test per class: the SDK is process-wide.
/// </summary>
public sealed class SentryEnvelopeTests
{
    private const string ProbePath = "/test/sentry-probe";

    [Fact]
    public async Task Errors_breadcrumbs_and_transactions_reach_Sentry_without_any_personal_or_secret_value()
    {
        await using var receiver = await SentryReceiver.StartAsync();
        var pii = new PiiProbe();
        var marker = "probe-" + Guid.NewGuid().ToString("N");
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?>
        {
            ["Sentry:Dsn"] = receiver.Dsn,
            ["Sentry:TracesSampleRate"] = "1.0",
            // Configuration trying to switch PII collection back on must lose to the code.
            ["Sentry:SendDefaultPii"] = "true",
            ["Sentry:MaxRequestBodySize"] = "Always",
        }).WithServices(s => s.AddSingleton<IStartupFilter>(new FailingProbe(pii, marker)));
        var user = await factory.CreateSignedInUserAsync(email: pii.Email, password: pii.Password);

        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"{ProbePath}?access_token={pii.QueryToken}&api_key={pii.ApiKey}&contact={pii.Email}&page=2")
        {
            Content = JsonContent.Create(new { password = pii.Password, email = pii.Email, key = pii.Fernet }),
        };
        // Not "Bearer": that would be judged as an API token and refused before the failing probe runs.
        request.Headers.Authorization = new("Basic", pii.BearerToken);
        request.Headers.Add("X-Api-Key", pii.ApiKey);
        request.Headers.Add("X-Session-Id", pii.SessionValue);
        request.Headers.Add("X-Forwarded-For", $"{pii.IPv4}, {pii.IPv6}");
        request.Headers.TryAddWithoutValidation("Set-Cookie", $"session={pii.SessionValue}");
        var response = await user.Client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);

        // The logged error and the unhandled exception are two events, sent in no fixed order: wait for the exception's.
        var exceptionMessage = $"Probe {marker} failed";
        await WaitForAsync(factory, receiver, () =>
            receiver.Items("event").Any(e => e.GetRawText().Contains(exceptionMessage, StringComparison.Ordinal)) && receiver.Items("transaction").Count > 0);

        var sent = Flatten(receiver.Lines());
        var secrets = pii.All.Append(user.Browser.Cookie("session")!).Append(user.Browser.Cookie("csrf_token")!).ToList();
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(sent, text => text.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
        var error = Assert.Single(receiver.Items("event"), e => e.GetRawText().Contains(exceptionMessage, StringComparison.Ordinal));
        Assert.Equal(user.Id.ToString(), error.GetProperty("user").GetProperty("id").GetString());
        Assert.False(error.GetProperty("request").TryGetProperty("data", out _));
        Assert.False(error.GetProperty("request").TryGetProperty("cookies", out _));
    }

    /// <summary>Every property name and string value in the envelopes, unescaped, so no JSON encoding hides a leak.</summary>
    private static List<string> Flatten(IEnumerable<JsonElement> elements)
    {
        var texts = new List<string>();
        void Walk(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        texts.Add(property.Name);
                        Walk(property.Value);
                    }
                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Walk(item);
                    }
                    break;
                case JsonValueKind.String:
                    texts.Add(element.GetString()!);
                    break;
            }
        }
        foreach (var element in elements)
        {
            Walk(element);
            texts.Add(element.GetRawText());
        }
        return texts;
    }

    private static async Task WaitForAsync(ConvergioFactory factory, SentryReceiver receiver, Func<bool> arrived)
    {
        var hub = factory.Services.GetRequiredService<IHub>();
        for (var attempt = 0; attempt < 50 && !arrived(); attempt++)
        {
            await hub.FlushAsync(TimeSpan.FromSeconds(2));
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.True(arrived(), $"Sentry did not deliver an event and a transaction; got {receiver.Envelopes.Count} envelope(s).");
    }

    /// <summary>
    /// Answers <see cref="ProbePath"/> after the application's own pipeline (so inside its exception
    /// handler, after authentication) by logging, annotating the scope and failing with PII everywhere.
    /// </summary>
    private sealed class FailingProbe(PiiProbe pii, string marker) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Path != ProbePath)
                {
                    return nextMiddleware(context);
                }
                var logger = context.RequestServices.GetRequiredService<ILogger<FailingProbe>>();
                var hub = context.RequestServices.GetRequiredService<IHub>();
                logger.LogInformation("Probe visited by {Email} from {Ip} with {Key}", pii.Email, pii.IPv6, pii.WebhookSecret);
                hub.AddBreadcrumb($"contacted {pii.Email} at {pii.IPv4}", data: new Dictionary<string, string>
                {
                    ["session_token"] = pii.SessionValue,
                    ["note"] = pii.Fernet,
                });
                hub.ConfigureScope(scope =>
                {
                    scope.SetExtra("contact", pii.Email);
                    scope.SetExtra("webhook_secret", pii.WebhookSecret);
                    scope.SetExtra("detail", $"caller {pii.IPv4} sent {pii.ApiKey}");
                    scope.SetTag("client", pii.IPv6);
                    scope.User = new SentryUser { Email = pii.Email, IpAddress = pii.IPv4, Username = pii.Email };
                });
                logger.LogError("Lookup {Marker} failed for {Email} with key {Key}", marker + "-log", pii.Email, pii.ApiKey);
                throw new InvalidOperationException(
                    $"Probe {marker} failed for {pii.Email} from {pii.IPv4} and {pii.IPv6} using {pii.ApiKey}, {pii.WebhookSecret}, {pii.Fernet}, Bearer {pii.BearerToken}")
                {
                    Data = { ["password"] = pii.Password, ["contact"] = pii.Email },
                };
            });
        };
    }
}
