using System.Net;
using Convergio.Api.Observability;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace Convergio.Api.Tests.Observability;

public sealed class LogRedactionTests
{
    private static string Everything(ConvergioFactory factory) => string.Join('\n',
        factory.Services.GetFakeLogCollector().GetSnapshot().Select(r =>
            $"{r.Category} {r.Message} {string.Join(' ', r.StructuredState?.Select(s => $"{s.Key}={s.Value}") ?? [])} " +
            $"{string.Join(' ', r.Scopes.Select(s => s?.ToString()))} {r.Exception}"));

    /// <summary>The access lines once they are <paramref name="complete"/> (a background writer writes them after the responses).</summary>
    private static Task<IReadOnlyList<FakeLogRecord>> AccessLinesAsync(ConvergioFactory factory, Func<IReadOnlyList<FakeLogRecord>, bool> complete) =>
        Eventually.ReadAsync<IReadOnlyList<FakeLogRecord>>(
            () => Task.FromResult<IReadOnlyList<FakeLogRecord>>(factory.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Category == AccessLog.Category).ToList()),
            complete);

    private static TestBrowser BrowserWithAgent(ConvergioFactory factory, string agent)
    {
        var browser = new TestBrowser(factory);
        browser.Client.DefaultRequestHeaders.UserAgent.ParseAdd(agent);
        return browser;
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_full_auth_flow_logs_no_password_token_cookie_key_email_or_user_agent(Db db)
    {
        await using var factory = ConvergioFactory.WithEveryLog(db);
        var pii = new PiiProbe();
        var agent = $"ProbeAgent/{Guid.NewGuid():N}";
        var newPassword = TestKeys.Password();
        var resetPassword = TestKeys.Password();
        var cookies = new List<string?>();

        using (var registering = BrowserWithAgent(factory, agent))
        {
            Assert.Equal(HttpStatusCode.Created, (await registering.PostJsonAsync(AuthTestExtensions.RegisterPath, new { email = pii.Email, password = pii.Password, fullName = "Probe" })).StatusCode);
            cookies.AddRange([registering.Cookie("session"), registering.Cookie("csrf_token")]);
        }
        using var browser = BrowserWithAgent(factory, agent);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.LoginAsync(pii.Email, TestKeys.Password())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.LoginAsync(pii.Email, pii.Password)).StatusCode);
        cookies.AddRange([browser.Cookie("session"), browser.Cookie("csrf_token")]);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/api/v1/auth/me?access_token={pii.QueryToken}&api_key={pii.ApiKey}&key={pii.Fernet}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostJsonAsync("/api/v1/auth/change-password", new { currentPassword = pii.Password, newPassword })).StatusCode);
        cookies.AddRange([browser.Cookie("session"), browser.Cookie("csrf_token")]);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostJsonAsync("/api/v1/auth/logout", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await browser.PostJsonAsync("/api/v1/auth/forgot-password", new { email = pii.Email })).StatusCode);
        var resetToken = await MailPickup.WaitForLinkTokenAsync(factory.MailDirectory, pii.Email, "/reset-password");
        Assert.NotEmpty(resetToken);
        Assert.True((await browser.PostJsonAsync("/api/v1/auth/reset-password", new { token = resetToken, newPassword = resetPassword })).IsSuccessStatusCode);

        // Every request above has its access line (the last one included) before the logs are read.
        var accessLines = await AccessLinesAsync(factory, lines => lines.Any(r => r.Message.Contains("POST /api/v1/auth/reset-password responded", StringComparison.Ordinal)));
        var logs = Everything(factory);

        string[] secrets =
        [
            pii.Email, pii.Password, newPassword, resetPassword, resetToken, pii.QueryToken, pii.ApiKey, pii.Fernet, agent, browser.RemoteIp.ToString(),
            .. cookies.OfType<string>(),
            factory.Settings["Security:SigningKeys:0"]!, factory.Settings["Encryption:Keys:0"]!,
        ];
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, logs, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(accessLines, r => r.Message.Contains("POST /api/v1/auth/login responded 200", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_access_log_writes_the_client_as_a_stable_pseudonym()
    {
        await using var factory = ConvergioFactory.WithEveryLog(Db.Sqlite);
        var agent = $"ProbeAgent/{Guid.NewGuid():N}";
        using var browser = BrowserWithAgent(factory, agent);

        await browser.GetAsync("/health/live");
        await browser.GetAsync("/health/live");

        var lines = (await AccessLinesAsync(factory, lines => lines.Count >= 2))
            .Select(r => r.StructuredState!.Single(s => s.Key == "UserAgent").Value)
            .ToList();
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("~", lines[0], StringComparison.Ordinal);
        Assert.Equal(lines[0], lines[1]);
        Assert.NotEqual(agent, lines[0]);
    }
}
