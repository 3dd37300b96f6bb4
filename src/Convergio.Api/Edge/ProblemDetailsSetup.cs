using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Convergio.Api.Edge;

/// <summary>
/// Every error is <c>application/problem+json</c> with status, title, detail and traceId:
/// framework rejections of bad input keep their 4xx status, unknown routes are 404, an
/// unreachable database is 503 with Retry-After, an unhandled exception is a generic 500
/// without internals outside Development, and the body is problem+json whatever the request's
/// <c>Accept</c> says.
/// </summary>
public static class ProblemDetailsSetup
{
    public static WebApplicationBuilder AddProblemDetailsEverywhere(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var http = context.HttpContext;
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? http.TraceIdentifier;
            context.ProblemDetails.Detail ??= context.ProblemDetails.Title;
        });
        WriteWhateverTheAcceptHeader(builder.Services);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
        builder.Services.AddExceptionHandler<ServiceBusyHandler>();
        builder.Services.AddExceptionHandler<ConcurrentChangeHandler>();
        builder.Services.AddExceptionHandler<UnhandledExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return builder;
    }

    /// <summary>
    /// The framework's writer declines a request whose <c>Accept</c> excludes JSON, and then
    /// <c>IProblemDetailsService.WriteAsync</c> throws: a 401 or 429 for <c>Accept: text/html</c>
    /// became a 500. This API has no other error format, so the same writer answers every request.
    /// </summary>
    private static void WriteWhateverTheAcceptHeader(IServiceCollection services)
    {
        var framework = services.Single(d => d.ServiceType == typeof(IProblemDetailsWriter) && d.ImplementationType is not null);
        services.Remove(framework);
        services.AddSingleton<IProblemDetailsWriter>(provider =>
            new AnyAcceptProblemDetailsWriter((IProblemDetailsWriter)ActivatorUtilities.CreateInstance(provider, framework.ImplementationType!)));
    }

    private sealed class AnyAcceptProblemDetailsWriter(IProblemDetailsWriter framework) : IProblemDetailsWriter
    {
        public bool CanWrite(ProblemDetailsContext context) => true;

        public ValueTask WriteAsync(ProblemDetailsContext context) => framework.WriteAsync(context);
    }

    /// <summary>Sets the response's status and writes the problem+json body: how every exception handler here answers.</summary>
    internal static ValueTask<bool> AnswerAsync(this IProblemDetailsService problems, HttpContext httpContext, int status, string title, string detail, Exception? exception = null)
    {
        httpContext.Response.StatusCode = status;
        return problems.TryWriteAsync(new()
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>The exception handler and status-code pages, so even an empty 404/405/415 gets a body.</summary>
    public static IApplicationBuilder UseProblemDetailsEverywhere(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>Malformed JSON, wrong content type, oversize bodies: the client's fault, said plainly.</summary>
    private sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException bad)
            {
                return false;
            }

            var detail = bad.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => "The request body is larger than this endpoint accepts.",
                StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
                _ when bad.InnerException is System.Text.Json.JsonException => "The request body is not valid JSON for this endpoint.",
                _ => "The request could not be read.",
            };
            return await problems.AnswerAsync(httpContext, bad.StatusCode, ReasonPhrases(bad.StatusCode), detail, exception);
        }

        private static string ReasonPhrases(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
    }

    private sealed class UnhandledExceptionHandler(IProblemDetailsService problems, IHostEnvironment environment, ILogger<UnhandledExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            logger.LogError(exception, "Unhandled exception");
            return await problems.AnswerAsync(httpContext, StatusCodes.Status500InternalServerError,
                "An unexpected error occurred.", "The error has been logged; quote the traceId when reporting it.",
                // Without the exception the writer adds no stack trace, whatever the environment.
                environment.IsDevelopment() ? exception : null);
        }
    }
}
