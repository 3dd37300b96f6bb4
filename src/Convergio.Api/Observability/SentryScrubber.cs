
namespace Convergio.Api.Observability;

/// <summary>
/// The last step before anything leaves for Sentry: credentials and request bodies are removed,
/// emails, IP addresses and credential-shaped strings are masked wherever free text travels, and
/// the user is reduced to an opaque id. Runs after the SDK's own processors, so it also sees what they added.
/// </summary>
public static class SentryScrubber
{
    public static SentryEvent ScrubEvent(SentryEvent evt)
    {
        if (evt.Message is { } message)
        {
            evt.Message = new SentryMessage
            {
                Message = PiiPatterns.Mask(message.Message),
                Formatted = PiiPatterns.Mask(message.Formatted),
            };
        }
        foreach (var exception in evt.SentryExceptions ?? [])
        {
            exception.Value = PiiPatterns.Mask(exception.Value);
            if (exception.Mechanism is { } mechanism)
            {
                mechanism.Description = PiiPatterns.Mask(mechanism.Description);
                ScrubData(mechanism.Data);
            }
        }
        evt.Logger = PiiPatterns.Mask(evt.Logger);
        evt.ServerName = null;
        ScrubRequest(evt.Request);
        evt.User = OpaqueUser(evt.User);
        ScrubExtraAndTags(evt.Extra, evt.SetExtra, evt.Tags, evt.SetTag);
        return evt;
    }

    public static SentryTransaction ScrubTransaction(SentryTransaction transaction)
    {
        transaction.Description = PiiPatterns.Mask(transaction.Description);
        ScrubRequest(transaction.Request);
        transaction.User = OpaqueUser(transaction.User);
        ScrubExtraAndTags(transaction.Data, transaction.SetData, transaction.Tags, transaction.SetTag);
        foreach (var span in transaction.Spans)
        {
            span.Description = PiiPatterns.Mask(span.Description);
            ScrubExtraAndTags(span.Data, span.SetData, span.Tags, span.SetTag);
        }
        return transaction;
    }

    // Runs as the breadcrumb is recorded, so the copy's timestamp (now) is the original's.
    public static Breadcrumb ScrubBreadcrumb(Breadcrumb breadcrumb) => new(
        PiiPatterns.Mask(breadcrumb.Message) ?? "",
        breadcrumb.Type ?? "default",
        breadcrumb.Data?.ToDictionary(d => d.Key, d => d.Key == "url" ? PiiPatterns.MaskUrl(d.Value)! : PiiPatterns.MaskNamed(d.Key, d.Value)!),
        breadcrumb.Category,
        breadcrumb.Level);

    private static void ScrubRequest(SentryRequest request)
    {
        request.Data = null;
        request.Cookies = null;
        request.Url = PiiPatterns.MaskUrl(request.Url);
        request.QueryString = PiiPatterns.MaskQueryString(request.QueryString);
        foreach (var name in request.Headers.Keys.ToList())
        {
            if (PiiPatterns.IsSensitiveName(name) || name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Remove(name);
            }
            else
            {
                request.Headers[name] = PiiPatterns.Mask(request.Headers[name])!;
            }
        }
        ScrubData(request.Env);
        ScrubData(request.Other);
    }

    private static void ScrubData(IDictionary<string, string> data)
    {
        foreach (var key in data.Keys.ToList())
        {
            data[key] = PiiPatterns.MaskNamed(key, data[key])!;
        }
    }

    private static void ScrubData(IDictionary<string, object> data)
    {
        foreach (var key in data.Keys.ToList())
        {
            data[key] = PiiPatterns.MaskNamed(key, data[key].ToString()) ?? "";
        }
    }

    private static void ScrubExtraAndTags(
        IReadOnlyDictionary<string, object?> extra, Action<string, object?> setExtra,
        IReadOnlyDictionary<string, string> tags, Action<string, string> setTag)
    {
        foreach (var (key, value) in extra.ToList())
        {
            setExtra(key, PiiPatterns.MaskNamed(key, value?.ToString()));
        }
        foreach (var (key, value) in tags.ToList())
        {
            setTag(key, PiiPatterns.MaskNamed(key, value)!);
        }
    }

    // The application's user id is a random Guid, meaningless outside our database; anything else is dropped.
    private static SentryUser OpaqueUser(SentryUser user) =>
        Guid.TryParse(user.Id, out var id) ? new SentryUser { Id = id.ToString() } : new SentryUser();
}
