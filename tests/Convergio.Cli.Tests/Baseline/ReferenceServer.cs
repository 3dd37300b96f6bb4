using System.Collections.Concurrent;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Convergio.Cli.Baseline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Convergio.Cli.Tests.Baseline;

/// <summary>One deliberate mistake a deployment can make; <see cref="None"/> makes none.</summary>
public enum Flaw
{
    None,
    WildcardCors,
    ReflectedOrigin,
    NoHsts,
    NoRedirect,
    Tls11Allowed,
    Tls11Only,
    CookieWithoutSecure,
    NoCsrf,
    NoRateLimit,
    UnsafeInlineCsp,
    MissingHeaders,
    StackTraces,
    AnonymousRouteInOpenApi,
    ExpiredSecurityTxt,
    UnhealthyReady,
}

/// <summary>
/// A minimal stand-in for a Convergio deployment on loopback (Kestrel, HTTPS with a generated
/// certificate, plus a plain-HTTP port), written to the contract the checker verifies, with at most
/// one <see cref="Flaw"/>. Without a flaw every check passes; each flaw must fail its check(s).
/// </summary>
public sealed class ReferenceServer : IAsyncDisposable
{
    public const string AllowedOrigin = "https://app.example.test";
    private const int AuthLimit = 5;
    private const string SessionCookie = "__Host-session";

    private readonly WebApplication _app;
    private readonly Flaw _flaw;
    private readonly ConcurrentDictionary<string, string> _csrfBySession = new();
    private int _logins;
    private int _httpsPort;

    private ReferenceServer(Flaw flaw, X509Certificate2 certificate)
    {
        _flaw = flaw;
        Certificate = certificate;
        Account = new TestAccount($"tester-{Guid.NewGuid():N}@example.test", WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(18)));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddRouting();
#pragma warning disable SYSLIB0039 // The flawed servers offer obsolete TLS on purpose.
        var protocols = flaw switch
        {
            Flaw.Tls11Allowed => SslProtocols.Tls11 | SslProtocols.Tls12 | SslProtocols.Tls13,
            Flaw.Tls11Only => SslProtocols.Tls11,
            _ => SslProtocols.Tls12 | SslProtocols.Tls13,
        };
#pragma warning restore SYSLIB0039
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
            {
                https.ServerCertificate = certificate;
                https.SslProtocols = protocols;
            }));
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
        });
        _app = builder.Build();
        _app.Use(PlainHttp);
        _app.Use(SecurityHeaders);
        _app.Use(Cors);
        MapPublic(_app);
        _app.Use(RequireSession);
        MapSignedIn(_app);
    }

    public X509Certificate2 Certificate { get; }
    public TestAccount Account { get; }
    public Uri BaseUrl { get; private set; } = null!;
    public int HttpPort { get; private set; }
    public Uri FrontendUrl => new(BaseUrl, "/app");

    public static async Task<ReferenceServer> StartAsync(Flaw flaw = Flaw.None)
    {
        var server = new ReferenceServer(flaw, TestCertificates.Loopback());
        await server._app.StartAsync(TestContext.Current.CancellationToken);
        var addresses = server._app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        server.BaseUrl = addresses.Single(a => a.Scheme == "https");
        server._httpsPort = server.BaseUrl.Port;
        server.HttpPort = addresses.Single(a => a.Scheme == "http").Port;
        return server;
    }

    /// <summary>Everything the checker can be told: frontend, allowed origin, test account, the certificate as a trusted root.</summary>
    public BaselineTarget Target() => new()
    {
        ApiBase = BaseUrl,
        Frontend = FrontendUrl,
        AllowedOrigin = AllowedOrigin,
        Account = Account,
        TrustedRoots = [X509CertificateLoader.LoadCertificate(Certificate.RawData)],
        HttpPort = HttpPort,
    };

    private Task PlainHttp(HttpContext context, RequestDelegate next)
    {
        if (context.Request.IsHttps)
        {
            return next(context);
        }
        if (_flaw == Flaw.NoRedirect)
        {
            return context.Response.WriteAsync("served over plain HTTP");
        }
        context.Response.StatusCode = 301;
        context.Response.Headers.Location = $"https://127.0.0.1:{_httpsPort}{context.Request.Path}{context.Request.QueryString}";
        return Task.CompletedTask;
    }

    private Task SecurityHeaders(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        if (_flaw != Flaw.NoHsts)
        {
            headers.StrictTransportSecurity = "max-age=63072000; includeSubDomains";
        }
        if (_flaw == Flaw.MissingHeaders)
        {
            headers.Server = "Kestrel/10.0.0";
            headers["X-Powered-By"] = "ASP.NET";
            return next(context);
        }
        var frontend = context.Request.Path == "/app";
        headers.ContentSecurityPolicy = (frontend, _flaw == Flaw.UnsafeInlineCsp) switch
        {
            (true, false) => $"script-src 'nonce-{WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16))}' 'strict-dynamic'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
            (true, true) => "script-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'",
            (false, false) => "default-src 'none'; frame-ancestors 'none'",
            (false, true) => "default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'",
        };
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        return next(context);
    }

    private Task Cors(HttpContext context, RequestDelegate next)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return next(context);
        }
        var headers = context.Response.Headers;
        headers.Vary = "Origin";
        var granted = _flaw switch
        {
            Flaw.WildcardCors => "*",
            Flaw.ReflectedOrigin => origin,
            _ => origin == AllowedOrigin ? origin : null,
        };
        if (granted is not null)
        {
            headers.AccessControlAllowOrigin = granted;
            headers.AccessControlAllowCredentials = "true";
        }
        if (HttpMethods.IsOptions(context.Request.Method) && context.Request.Headers.AccessControlRequestMethod.Count > 0)
        {
            if (granted is not null)
            {
                headers.AccessControlAllowMethods = "GET, POST, PUT, PATCH, DELETE";
                headers.AccessControlAllowHeaders = "Content-Type, X-CSRF-Token";
            }
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        }
        return next(context);
    }

    private void MapPublic(WebApplication app)
    {
        var publicRoutes = app.MapGroup("").WithMetadata(new PublicRoute());
        MapPublicRoutes(publicRoutes);
    }

    private void MapPublicRoutes(IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Json(new { status = "Healthy" }));
        app.MapGet("/health/ready", () => _flaw == Flaw.UnhealthyReady
            ? Results.Json(new { status = "Unhealthy" }, statusCode: 503)
            : Results.Json(new { status = "Healthy" }));
        app.MapGet("/.well-known/security.txt", () => Results.Text(
            $"Contact: mailto:security@example.test\nExpires: {DateTimeOffset.UtcNow.AddDays(_flaw == Flaw.ExpiredSecurityTxt ? -1 : 180):yyyy-MM-ddTHH:mm:ssZ}\n",
            "text/plain; charset=utf-8"));
        app.MapGet("/app", () => Results.Text("<!doctype html><title>app</title>", "text/html; charset=utf-8"));
        app.MapPost("/api/v1/auth/login", Login);
        if (_flaw == Flaw.AnonymousRouteInOpenApi)
        {
            app.MapGet("/openapi/v1.json", () => Results.Json(new
            {
                openapi = "3.1.1",
                paths = new Dictionary<string, object>
                {
                    ["/api/v1/auth/login"] = new { post = new { } },
                    ["/api/v1/auth/me"] = new { get = new { } },
                    ["/api/v1/widgets/{widgetId}"] = new { get = new { }, delete = new { } },
                },
            }));
            app.MapGet("/api/v1/widgets/{widgetId}", () => Results.Json(new { name = "a widget anyone can read" }));
        }
    }

    private async Task Login(HttpContext context)
    {
        var attempt = Interlocked.Increment(ref _logins);
        if (_flaw != Flaw.NoRateLimit)
        {
            context.Response.Headers["RateLimit-Policy"] = $"\"auth\";q={AuthLimit};w=60";
            context.Response.Headers["RateLimit"] = $"\"auth\";r={Math.Max(0, AuthLimit - attempt)};t=60";
            if (attempt > AuthLimit)
            {
                context.Response.Headers.RetryAfter = "60";
                await Problem(context, 429, "Too Many Requests");
                return;
            }
        }

        JsonDocument body;
        try
        {
            body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException e) when (_flaw == Flaw.StackTraces)
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync(e.ToString());
            return;
        }
        catch (JsonException)
        {
            await Problem(context, 400, "The request body is not valid JSON.");
            return;
        }
        using (body)
        {
            var email = body.RootElement.TryGetProperty("email", out var e) ? e.GetString() : null;
            var password = body.RootElement.TryGetProperty("password", out var p) ? p.GetString() : null;
            if (email != Account.Email || password != Account.Password)
            {
                await Problem(context, 401, "Invalid credentials");
                return;
            }
        }

        var session = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var csrf = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        _csrfBySession[session] = csrf;
        var secure = _flaw == Flaw.CookieWithoutSecure ? "" : " Secure;";
        context.Response.Headers.Append("Set-Cookie", $"{SessionCookie}={session}; Max-Age=604800; Path=/;{secure} HttpOnly; SameSite=Lax");
        context.Response.Headers.Append("Set-Cookie", $"csrf_token={csrf}; Max-Age=604800; Path=/; Secure; SameSite=Lax");
        await context.Response.WriteAsJsonAsync(new { id = Guid.NewGuid(), email = Account.Email });
    }

    private Task RequireSession(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<PublicRoute>() is not null)
        {
            return next(context);
        }
        if (context.Request.Cookies[SessionCookie] is not { } session || !_csrfBySession.TryGetValue(session, out var csrf))
        {
            return Problem(context, 401, "Unauthorized");
        }
        var mutating = !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method));
        if (mutating && _flaw != Flaw.NoCsrf
            && (context.Request.Headers["X-CSRF-Token"].ToString() != csrf || context.Request.Cookies["csrf_token"] != csrf))
        {
            return Problem(context, 403, "CSRF token missing or invalid");
        }
        return context.GetEndpoint() is null ? Problem(context, 404, "Not Found") : next(context);
    }

    private void MapSignedIn(WebApplication app)
    {
        app.MapGet("/api/v1/auth/me", () => Results.Json(new { email = Account.Email }));
        app.MapDelete("/api/v1/auth/sessions/{id:guid}", (Guid id) => Results.Problem(statusCode: 404, title: "Not Found"));
        app.MapPost("/api/v1/auth/logout", (HttpContext context) =>
        {
            _csrfBySession.TryRemove(context.Request.Cookies[SessionCookie]!, out _);
            return Results.NoContent();
        });
    }

    private static Task Problem(HttpContext context, int status, string title) =>
        Results.Problem(statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["traceId"] = context.TraceIdentifier })
            .ExecuteAsync(context);

    private sealed class PublicRoute;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate.Dispose();
    }
}
