using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Convergio.Api.Tenancy;
using Convergio.Api.Tests.Audit;
using Convergio.Api.Tests.Infrastructure;
using static Convergio.Api.Tests.Infrastructure.TestStripe;

namespace Convergio.Api.Tests.Concurrency;

/// <summary>One tenant hammering its organization must not stall, deadlock or fail anyone (issue: audit writes serialized the service).</summary>
public sealed class TenantContentionTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Rename_role_change_removal_and_tier_change_in_a_loop_never_answer_5xx_and_other_sign_ins_succeed()
    {
        var secret = TestKeys.StripeWebhookSecret();
        await using var factory = new ConvergioFactory(Db.Postgres, new Dictionary<string, string?> { ["Stripe:WebhookSecrets:0"] = secret });
        var owner = await factory.CreateSignedInUserAsync();
        var coOwnerUser = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        await factory.AddMemberAsync(org.Id, coOwnerUser.Id, OrgRole.Owner);
        var coOwner = await factory.SignInAsync(coOwnerUser);
        var toggled = await factory.CreateMemberAsync(org.Id, OrgRole.Member);
        var bystander = await factory.CreateSignedInUserAsync();

        var statuses = new ConcurrentBag<(string Operation, HttpStatusCode Status)>();
        var stopwatch = Stopwatch.StartNew();
        var stripeClock = 0;

        async Task LoopAsync(string operation, Func<int, Task<HttpResponseMessage>> send)
        {
            for (var i = 0; stopwatch.Elapsed < Duration; i++)
            {
                using var response = await send(i);
                statuses.Add((operation, response.StatusCode));
            }
        }

        Task<HttpResponseMessage> Rename(TestBrowser browser, int i) =>
            browser.PatchJsonAsync($"/api/v1/orgs/{org.Id}", new { name = $"Renamed {i}" });
        Task<HttpResponseMessage> ChangeRole(TestBrowser browser, int i) =>
            browser.PatchJsonAsync($"/api/v1/orgs/{org.Id}/members/{toggled.Id}", new { role = i % 2 == 0 ? "admin" : "member" });
        async Task<HttpResponseMessage> Remove(TestBrowser browser)
        {
            var member = await factory.CreateMemberAsync(org.Id, OrgRole.Viewer);
            return await browser.DeleteAsync($"/api/v1/orgs/{org.Id}/members/{member.Id}");
        }
        Task<HttpResponseMessage> ChangeTier(int i)
        {
            var payload = EventJson("customer.subscription.updated", Subscription(org.Id, "active", i % 2 == 0 ? "pro" : "team"),
                factory.Time.GetUtcNow().AddSeconds(Interlocked.Increment(ref stripeClock)));
            return DeliverAsync(factory, payload, Sign(payload, secret, factory.Time.GetUtcNow()));
        }

        await Task.WhenAll(
            LoopAsync("rename", i => Rename(owner.Browser, i)),
            LoopAsync("rename", i => Rename(coOwner, i)),
            LoopAsync("role", i => ChangeRole(owner.Browser, i)),
            LoopAsync("role", i => ChangeRole(coOwner, i)),
            LoopAsync("remove", _ => Remove(owner.Browser)),
            LoopAsync("remove", _ => Remove(coOwner)),
            LoopAsync("tier", ChangeTier),
            LoopAsync("sign-in", _ => factory.CreateBrowser().LoginAsync(bystander.Email, bystander.Password)));

        Assert.DoesNotContain(statuses, s => (int)s.Status >= 500);
        Assert.All(statuses.Where(s => s.Operation == "sign-in"), s => Assert.Equal(HttpStatusCode.OK, s.Status));
        foreach (var operation in new[] { "rename", "role", "remove", "tier", "sign-in" })
        {
            Assert.Contains(statuses, s => s.Operation == operation && s.Status is HttpStatusCode.OK or HttpStatusCode.NoContent);
        }
        await AuditTrail.SealAsync(factory);
        var report = await AuditTrail.VerifyAsync(factory);
        Assert.True(report.Intact, report.FirstBreak?.ToString());
    }
}
