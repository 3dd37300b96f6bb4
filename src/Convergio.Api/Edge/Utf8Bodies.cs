using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Convergio.Api.Edge;

/// <summary>
/// Bodies are UTF-8 (RFC 8259 for JSON): a <c>Content-Type</c> naming any other charset, an unknown
/// one or an empty one is 415 <see cref="ProblemTypes.UnsupportedCharset"/>. Decided before the rate limiter reads the
/// body for the per-account bucket, so the limiter and the endpoint always decode the same bytes
/// the same way (a UTF-16 body once counted for no account while the endpoint served it).
/// </summary>
public static class Utf8Bodies
{
    public static IApplicationBuilder UseUtf8Bodies(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var contentType = context.Request.ContentType;
        if (string.IsNullOrEmpty(contentType) || !contentType.Contains("charset", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || mediaType.Parameters.FirstOrDefault(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)) is not { } charset
            || !HeaderUtilities.RemoveQuotes(charset.Value).Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            await ApiProblems.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType,
                "Send the body as UTF-8: omit the charset parameter or set charset=utf-8.", ProblemTypes.UnsupportedCharset);
            return;
        }
        // The framework's JSON reader takes a quoted "utf-8" for an encoding name and fails: hand it the bare token.
        charset.Value = "utf-8";
        context.Request.ContentType = mediaType.ToString();
        await next(context);
    });
}
