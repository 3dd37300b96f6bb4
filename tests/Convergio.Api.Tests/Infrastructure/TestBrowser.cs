using System.Net;
using System.Net.Http.Json;

namespace Convergio.Api.Tests.Infrastructure;

/// <summary>
/// A client that behaves like the frontend in a browser: it keeps cookies and, when
/// <see cref="SendCsrfHeader"/> is on, copies the <c>csrf_token</c> cookie into <c>X-CSRF-Token</c>
/// on mutating requests. Tests can read and change its cookies.
/// </summary>
public sealed class TestBrowser : IDisposable
{
    private readonly BrowserHandler _handler;

    public TestBrowser(ConvergioFactory factory, Uri? baseAddress = null)
    {
        _handler = new BrowserHandler(this);
        Client = factory.CreateDefaultClient(baseAddress ?? new Uri("http://localhost"), _handler);
    }

    public HttpClient Client { get; }

    public CookieContainer Cookies { get; } = new();

    public bool SendCsrfHeader { get; set; } = true;

    public string? Cookie(string name) => Cookies.GetAllCookies().FirstOrDefault(c => c.Name == name && !c.Expired)?.Value;

    public void SetCookie(string name, string value) => Cookies.Add(Client.BaseAddress!, new Cookie(name, value, "/"));

    public void RemoveCookie(string name)
    {
        foreach (var cookie in Cookies.GetAllCookies().Where(c => c.Name == name))
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

    private sealed class BrowserHandler(TestBrowser browser) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            var cookieHeader = browser.Cookies.GetCookieHeader(uri);
            if (cookieHeader.Length > 0)
            {
                request.Headers.Remove("Cookie");
                request.Headers.Add("Cookie", cookieHeader);
            }
            if (browser.SendCsrfHeader && request.Method != HttpMethod.Get && request.Method != HttpMethod.Head
                && browser.Cookie("csrf_token") is { } csrf && !request.Headers.Contains("X-CSRF-Token"))
            {
                request.Headers.Add("X-CSRF-Token", csrf);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    browser.Cookies.SetCookies(uri, setCookie);
                }
            }
            return response;
        }
    }
}
