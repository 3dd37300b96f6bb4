using System.Net;
using System.Net.Http.Json;
using Convergio.Api.Auth;
using Convergio.Api.Platform;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;

namespace Convergio.Api.Tests.Infrastructure;

/// <summary>
/// One browser against the in-process API: its own cookie jar and its own loopback client address
/// (so per-IP limits see separate clients). Like the frontend, it copies the readable
/// <c>csrf_token</c> cookie into <c>X-CSRF-Token</c> on mutating requests unless told not to.
/// </summary>
public sealed class TestBrowser : IDisposable
{
    public static readonly Uri BaseAddress = new("http://localhost");

    private static int _clients;

    public TestBrowser(ConvergioFactory factory)
        : this(factory.Server)
    {
    }

    internal TestBrowser(TestServer server)
        : this([server])
    {
    }

    /// <summary>Requests go to <paramref name="servers"/> in turn (one server: always that one).</summary>
    internal TestBrowser(IReadOnlyList<TestServer> servers)
    {
        var n = Interlocked.Increment(ref _clients);
        RemoteIp = new IPAddress([127, 10, (byte)(n >> 8), (byte)n]);
        HttpMessageHandler serverHandler = servers.Count == 1
            ? servers[0].CreateHandler(context => context.Connection.RemoteIpAddress = RemoteIp)
            : new RoundRobinHandler([.. servers.Select(s => new HttpMessageInvoker(s.CreateHandler(context => context.Connection.RemoteIpAddress = RemoteIp)))]);
        Client = new HttpClient(new CsrfHeaderHandler(this) { InnerHandler = new CookieContainerHandler(Cookies) { InnerHandler = serverHandler } })
        {
            BaseAddress = BaseAddress,
        };
    }

    public HttpClient Client { get; }

    public CookieContainer Cookies { get; } = new();

    public IPAddress RemoteIp { get; }

    /// <summary>Whether mutating requests get <c>X-CSRF-Token</c> from the cookie (when the request sets none itself).</summary>
    public bool SendsCsrfHeader { get; set; } = true;

    public string? Cookie(string name) => Cookies.GetCookies(BaseAddress)[name]?.Value;

    public void SetCookie(string name, string value) => Cookies.Add(BaseAddress, new Cookie(name, value, "/"));

    public void DeleteCookie(string name)
    {
        if (Cookies.GetCookies(BaseAddress)[name] is { } cookie)
        {
            cookie.Expired = true;
        }
    }

    public Task<HttpResponseMessage> PostJsonAsync<T>(string path, T body) =>
        Client.PostAsJsonAsync(path, body, TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> PatchJsonAsync<T>(string path, T body) =>
        Client.PatchAsJsonAsync(path, body, TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(path, TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> DeleteAsync(string path) => Client.DeleteAsync(path, TestContext.Current.CancellationToken);

    public void Dispose() => Client.Dispose();

    private sealed class RoundRobinHandler(HttpMessageInvoker[] servers) : HttpMessageHandler
    {
        private int _next = -1;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            servers[(int)((uint)Interlocked.Increment(ref _next) % servers.Length)].SendAsync(request, cancellationToken);
    }

    private sealed class CsrfHeaderHandler(TestBrowser browser) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var safe = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options;
            if (!safe && browser.SendsCsrfHeader && !request.Headers.Contains(AuthNames.CsrfHeader)
                && browser.Cookie(AuthNames.CsrfCookie) is { Length: > 0 } token)
            {
                request.Headers.Add(AuthNames.CsrfHeader, token);
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>A freshly registered user and the browser signed in as them.</summary>
public sealed record SignedInUser(TestBrowser Browser, Guid Id, string Email, string Password) : IDisposable
{
    public HttpClient Client => Browser.Client;

    public void Dispose() => Browser.Dispose();
}
