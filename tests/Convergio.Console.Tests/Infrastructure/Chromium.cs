namespace Convergio.WebConsole.Tests.Infrastructure;

/// <summary>
/// One Chromium (the distribution's, <c>/usr/bin/chromium</c>; <c>CONVERGIO_CHROMIUM</c> overrides) for
/// a collection of test classes; each test opens a fresh context (cookies, storage) with
/// <see cref="NewPageAsync"/>. Timeouts are generous: a 2-core machine shared with builds is slow.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string Collection = "Chromium";

    public static readonly float Timeout = 30_000;

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ExecutablePath => Environment.GetEnvironmentVariable("CONVERGIO_CHROMIUM") ?? "/usr/bin/chromium";

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            return;
        }
        SetDefaultExpectTimeout(Timeout);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            // Reports to the https test host (self-signed) are sent by the network service, outside any context's certificate setting.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--ignore-certificate-errors"],
            Timeout = 120_000,
        });
    }

    /// <summary>A page in a fresh browser context; skips the test when Chromium is not installed.</summary>
    public async Task<IPage> NewPageAsync(Uri baseUrl)
    {
        Assert.SkipWhen(_browser is null, $"Chromium is not installed at {ExecutablePath} (apt-get install -y chromium; .ci/run does).");
        var context = await _browser!.NewContextAsync(new() { BaseURL = baseUrl.ToString(), IgnoreHTTPSErrors = true });
        context.SetDefaultTimeout(Timeout);
        context.SetDefaultNavigationTimeout(Timeout);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}

[CollectionDefinition(Chromium.Collection)]
public sealed class ChromiumCollection : ICollectionFixture<Chromium>;
