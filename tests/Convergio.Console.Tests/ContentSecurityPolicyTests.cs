using System.Net;
using Microsoft.AspNetCore.Hosting;
using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>
/// The console's CSP, proven in Chromium: scripts run only by nonce, DOM sinks take no raw strings
/// (Trusted Types, since 'strict-dynamic' alone would let an injected script element run), and
/// violations are reported to the API.
/// </summary>
[Collection(Chromium.Collection)]
public sealed class ContentSecurityPolicyTests(Chromium chromium, SameOriginSystem site) : IClassFixture<SameOriginSystem>
{
    [Fact]
    public async Task A_script_element_injected_into_the_dom_does_not_run_because_trusted_types_refuse_its_text()
    {
        var page = await OpenSignInAsync(site.Address);

        var outcome = await page.EvaluateAsync<string[]>("""
            () => {
              const directives = [];
              document.addEventListener("securitypolicyviolation", (e) => directives.push(e.effectiveDirective));
              const script = document.createElement("script");
              try {
                script.textContent = "window.injected = true";
                document.body.append(script);
              } catch (e) {
                directives.push(e.name);
              }
              return new Promise((resolve) => setTimeout(() => resolve([String(window.injected === true), ...directives]), 100));
            }
            """);

        Assert.Equal("false", outcome[0]);
        Assert.Contains(outcome, o => o is "require-trusted-types-for" or "TypeError");
    }

    [Fact]
    public async Task An_inline_script_without_the_nonce_in_served_html_does_not_run_while_the_nonced_modules_do()
    {
        var page = await chromium.NewPageAsync(site.Address);
        await page.RouteAsync("**/sign-in", async route =>
        {
            var response = await route.FetchAsync();
            var html = (await response.TextAsync()).Replace("</main>", "<script>window.inlineRan = true;</script></main>", StringComparison.Ordinal);
            await route.FulfillAsync(new() { Response = response, Body = html });
        });

        await page.GotoAsync("/sign-in");

        await Expect(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.Contains("window.inlineRan = true", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.False(await page.EvaluateAsync<bool>("() => window.inlineRan === true"));
    }

    [Fact]
    public async Task A_raw_html_string_is_refused_by_the_dom_and_by_the_convergio_policy_which_exists_once()
    {
        var page = await OpenSignInAsync(site.Address);

        var sink = await page.EvaluateAsync<string>("""
            () => { try { document.querySelector("main").innerHTML = "<img src=x>"; return "assigned"; } catch (e) { return e.name; } }
            """);
        var policy = await page.EvaluateAsync<string>("""
            () => import("/js/trusted-types.js").then(({ policy }) => {
              try { policy.createHTML("<b>bold</b>"); return "created"; } catch (e) { return e.name; }
            })
            """);
        var second = await page.EvaluateAsync<string>("""
            () => { try { trustedTypes.createPolicy("convergio", {}); return "created"; } catch (e) { return e.name; } }
            """);
        var other = await page.EvaluateAsync<string>("""
            () => { try { trustedTypes.createPolicy("other", { createHTML: (s) => s }); return "created"; } catch (e) { return e.name; } }
            """);

        Assert.Equal("TypeError", sink);
        Assert.Equal("TypeError", policy);
        Assert.Equal("TypeError", second);
        Assert.Equal("TypeError", other);
    }

    [Fact]
    public async Task A_violation_is_reported_to_the_api_csp_report_endpoint_over_https()
    {
        await using var https = new ApiHost(listen: k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(TestCertificates.Loopback())));
        var page = await OpenSignInAsync(https.Address);

        await page.EvaluateAsync("""() => { try { document.querySelector("main").innerHTML = "<b>x</b>"; } catch { } }""");

        // Chromium batches Reporting API deliveries; the wait is long on purpose.
        var report = await https.WaitForRequestAsync(r => r.StartsWith("POST /api/v1/csp-reports", StringComparison.Ordinal), TimeSpan.FromSeconds(150));
        Assert.Equal("POST /api/v1/csp-reports 204", report);
    }

    private async Task<IPage> OpenSignInAsync(Uri address)
    {
        var page = await chromium.NewPageAsync(address);
        await page.GotoAsync("/sign-in");
        // The layout module has run (it creates the policy): the navigation shows the signed-out links.
        await Expect(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        return page;
    }
}
