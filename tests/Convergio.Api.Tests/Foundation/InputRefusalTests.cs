using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Convergio.Api.Edge;
using Convergio.Api.Platform;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Foundation;

/// <summary>Hostile input is refused with a 4xx problem, never served half-decoded and never a 500.</summary>
public sealed class InputRefusalTests
{
    private const string LoginPath = "/api/v1/auth/login";

    private static StringContent Json(string json, string contentType)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    [Theory]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=utf-32")]
    [InlineData("application/json; charset=bogus")]
    [InlineData("application/json; charset=")]
    [InlineData("application/json; charset=\"\"")]
    [InlineData("application/json; charset=latin1")]
    public async Task A_public_json_body_in_another_charset_is_415_unsupported_charset(string contentType)
    {
        await using var factory = new ConvergioFactory();
        using var browser = factory.CreateBrowser();

        var response = await browser.Client.PostAsync(LoginPath, Json("{\"email\":\"a@example.test\",\"password\":\"x\"}", contentType), TestContext.Current.CancellationToken);

        Assert.Equal(ProblemTypes.UnsupportedCharset, await ProblemAssert.TypeAsync(response, HttpStatusCode.UnsupportedMediaType));
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=\"UTF-8\"")]
    [InlineData("application/json")]
    public async Task A_utf8_body_is_served_whether_the_charset_is_named_quoted_or_omitted(string contentType)
    {
        await using var factory = new ConvergioFactory();
        using var browser = factory.CreateBrowser();

        var response = await browser.Client.PostAsync(LoginPath, Json("{\"email\":\"nobody@example.test\",\"password\":\"wrong-password\"}", contentType), TestContext.Current.CancellationToken);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_signed_in_request_with_its_csrf_token_and_a_utf16_body_is_415_and_changes_nothing()
    {
        await using var factory = new ConvergioFactory();
        using var owner = await factory.CreateSignedInUserAsync();
        var body = new UnicodeEncoding().GetBytes("{\"name\":\"Utf16 Org\",\"slug\":\"utf16-org\"}");
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-16");

        var response = await owner.Client.PostAsync("/api/v1/orgs", content, TestContext.Current.CancellationToken);

        Assert.Equal(ProblemTypes.UnsupportedCharset, await ProblemAssert.TypeAsync(response, HttpStatusCode.UnsupportedMediaType));
        var orgs = await (await owner.Browser.GetAsync("/api/v1/orgs")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain("utf16-org", orgs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Utf16_bodies_cannot_slip_past_the_per_account_limit_of_forgot_password()
    {
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?> { ["RateLimiting:Account:PermitLimit"] = "3" });
        var victim = await factory.CreateSignedInUserAsync();
        var statuses = new List<HttpStatusCode>();

        // Each attempt from a new address: only the per-account bucket stands in the way.
        for (var i = 0; i < 6; i++)
        {
            using var attacker = factory.CreateBrowser();
            using var content = new ByteArrayContent(new UnicodeEncoding().GetBytes($"{{\"email\":\"{victim.Email}\"}}"));
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-16");
            statuses.Add((await attacker.Client.PostAsync("/api/v1/auth/forgot-password", content, TestContext.Current.CancellationToken)).StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.UnsupportedMediaType, s));
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(Directory.Exists(factory.MailDirectory) ? Directory.EnumerateFiles(factory.MailDirectory, "*.eml").Select(File.ReadAllText) : [],
            mail => mail.Contains("/reset-password?token=", StringComparison.Ordinal) && mail.Contains(victim.Email, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData(Db.Sqlite, "\u0000")]
    [InlineData(Db.Postgres, "\u0000")]
    [InlineData(Db.Sqlite, "\u0007")]
    [InlineData(Db.Postgres, "\u001b[31m")]
    public async Task A_login_email_with_a_control_character_is_400_naming_the_email(Db db, string control)
    {
        await using var factory = new ConvergioFactory(db);
        using var browser = factory.CreateBrowser();

        var response = await browser.LoginAsync($"a{control}@example.test", "whatever-password");

        await ProblemAssert.IsValidationProblemAsync(response, "email");
    }

    [Theory]
    [InlineData(Db.Sqlite, "Ada\u0000Lovelace")]
    [InlineData(Db.Postgres, "Ada\u0000Lovelace")]
    [InlineData(Db.Sqlite, "Ada\nBcc: everyone@example.test")]
    [InlineData(Db.Postgres, "Ada\r\nLovelace")]
    [InlineData(Db.Sqlite, "Ada\u2028Lovelace")]
    [InlineData(Db.Sqlite, "Ada\tLovelace")]
    public async Task A_full_name_with_a_control_character_or_a_line_break_is_400_and_no_account(Db db, string fullName)
    {
        await using var factory = new ConvergioFactory(db);
        using var browser = factory.CreateBrowser();
        var email = AuthTestExtensions.NewEmail();

        var response = await browser.PostJsonAsync(AuthTestExtensions.RegisterPath, new { email, password = TestKeys.Password(), fullName });

        await ProblemAssert.IsValidationProblemAsync(response, "fullName");
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.LoginAsync(email, "x")).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite, "Acme\u0000")]
    [InlineData(Db.Postgres, "Acme\u0000")]
    [InlineData(Db.Postgres, "Acme\nSecond line")]
    public async Task An_organization_name_with_a_control_character_or_a_line_break_is_400(Db db, string name)
    {
        await using var factory = new ConvergioFactory(db);
        using var owner = await factory.CreateSignedInUserAsync();

        var response = await owner.Browser.PostJsonAsync("/api/v1/orgs", new { name, slug = "org-" + Guid.NewGuid().ToString("N")[..8] });

        await ProblemAssert.IsValidationProblemAsync(response, "name");
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_project_description_with_nul_is_400_naming_the_description(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();

        var response = await owner.Browser.PostJsonAsync($"/api/v1/orgs/{org.Id}/projects", new { name = "P", description = "one\u0000two" });

        await ProblemAssert.IsValidationProblemAsync(response, "description");
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_project_description_keeps_its_line_feeds_and_tabs_but_the_name_refuses_them(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();

        var created = await owner.Browser.PostJsonAsync($"/api/v1/orgs/{org.Id}/projects", new { name = "P", description = "line one\n\tline two" });
        var refused = await owner.Browser.PostJsonAsync($"/api/v1/orgs/{org.Id}/projects", new { name = "P\nQ", description = "d" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("line one\n\tline two", (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("description").GetString());
        await ProblemAssert.IsValidationProblemAsync(refused, "name");
    }

    [Theory]
    [InlineData(Db.Sqlite, "reproductionSteps", "step\u0000")]
    [InlineData(Db.Postgres, "reproductionSteps", "step\u0000")]
    [InlineData(Db.Postgres, "impact", "bad\u001b")]
    [InlineData(Db.Postgres, "affectedComponent", "api\nX-Injected: yes")]
    [InlineData(Db.Postgres, "reporterEmail", "finder\u0000@example.test")]
    public async Task A_security_report_field_with_a_control_character_is_400_naming_it(Db db, string field, string value)
    {
        await using var factory = new ConvergioFactory(db);
        using var client = factory.CreateClient();
        var report = new Dictionary<string, string>
        {
            ["reporterEmail"] = "finder@example.test",
            ["affectedComponent"] = "api",
            ["reproductionSteps"] = "1. do this\n2. then that",
            ["impact"] = "Everything.\tReally.",
            [field] = value,
        };

        var response = await client.PostAsJsonAsync("/api/v1/security/reports", report, TestContext.Current.CancellationToken);

        await ProblemAssert.IsValidationProblemAsync(response, field);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_audit_filter_with_nul_is_400_naming_the_filter(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();

        var response = await owner.Browser.GetAsync($"/api/v1/orgs/{org.Id}/audit?action=org.created%00");

        await ProblemAssert.IsValidationProblemAsync(response, "action");
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("text/plain")]
    [InlineData("image/png")]
    [InlineData("application/xml")]
    public async Task An_error_keeps_its_status_and_problem_body_whatever_the_accept_header(string accept)
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Accept.ParseAdd(accept);

        var unauthorized = await client.GetAsync("/api/v1/auth/me", TestContext.Current.CancellationToken);
        var unsupported = await client.PostAsync(LoginPath, Json("{}", "application/json; charset=utf-16"), TestContext.Current.CancellationToken);
        var invalid = await client.PostAsJsonAsync(AuthTestExtensions.RegisterPath, new { email = "not-an-email", password = "x" }, TestContext.Current.CancellationToken);

        await ProblemAssert.IsProblemAsync(unauthorized, HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(unsupported, HttpStatusCode.UnsupportedMediaType);
        await ProblemAssert.IsProblemAsync(invalid, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_csrf_refusal_for_an_html_accept_is_403_problem()
    {
        await using var factory = new ConvergioFactory();
        using var user = await factory.CreateSignedInUserAsync();
        user.Browser.SendsCsrfHeader = false;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orgs") { Content = JsonContent.Create(new { name = "x", slug = "xyz" }) };
        request.Headers.Accept.ParseAdd("text/html");

        var response = await user.Client.SendAsync(request, TestContext.Current.CancellationToken);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
    }

}
