using System.Net.Http.Headers;
using System.Text;

namespace Convergio.Cli.Baseline;

/// <summary>One HTTP exchange as the checks see it: status, every header (response and content), and the body as text.</summary>
public sealed class ProbeResponse(string method, Uri url, int status, IReadOnlyDictionary<string, string[]> headers, string body)
{
    public string Method => method;
    public Uri Url => url;
    public int Status => status;
    public string Body => body;
    public IReadOnlyDictionary<string, string[]> AllHeaders => headers;

    public string[] Headers(string name) => headers.TryGetValue(name, out var values) ? values : [];

    public string? Header(string name) => Headers(name) is [var first, ..] ? first : null;

    public string? ContentType => Header("Content-Type");

    public bool IsProblemJson => ContentType?.StartsWith("application/problem+json", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>"GET /api/v1/auth/me → 401", for evidence.</summary>
    public override string ToString() => $"{method} {url.PathAndQuery} → {status}";
}

/// <summary>
/// The HTTP side of the prober: no redirects followed, no cookie jar (cookies are sent
/// explicitly), the configured certificate trust and timeout.
/// </summary>
public sealed class Probe : IDisposable
{
    private const int MaxBodyCharacters = 256 * 1024;
    private readonly HttpClient _client;

    internal Probe(BaselineTarget target, CertificateTrust trust)
    {
        Target = target;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = target.Timeout,
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, chain, errors) => trust.Accept(certificate, chain, errors) },
        };
        _client = new HttpClient(handler) { Timeout = target.Timeout };
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("convergio-baseline", "1"));
    }

    public BaselineTarget Target { get; }

    /// <summary>A contract path ("/api/v1/auth/me") under the API base URL, keeping any base path.</summary>
    public Uri Url(string path) => new(Target.ApiOrigin + Target.ApiBase.AbsolutePath.TrimEnd('/') + path);

    public Task<ProbeResponse> GetAsync(string path, CancellationToken cancellationToken, params (string Name, string Value)[] headers) =>
        SendAsync(HttpMethod.Get, Url(path), null, headers, cancellationToken);

    public Task<ProbeResponse> SendAsync(HttpMethod method, string path, string? json, CancellationToken cancellationToken, params (string Name, string Value)[] headers) =>
        SendAsync(method, Url(path), json, headers, cancellationToken);

    public async Task<ProbeResponse> SendAsync(HttpMethod method, Uri url, string? json, IEnumerable<(string Name, string Value)> headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var all = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            all[name] = all.TryGetValue(name, out var existing) ? [.. existing, .. values] : values.ToArray();
        }
        return new ProbeResponse(method.Method, url, (int)response.StatusCode, all, await ReadCappedAsync(response.Content, cancellationToken));
    }

    private static async Task<string> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[MaxBodyCharacters];
        var read = await reader.ReadBlockAsync(buffer, cancellationToken);
        return new string(buffer, 0, read);
    }

    public void Dispose() => _client.Dispose();
}
