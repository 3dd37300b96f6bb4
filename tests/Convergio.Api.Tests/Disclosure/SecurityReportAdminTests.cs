using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Convergio.Api.Audit;
using Convergio.Api.Disclosure;
using Convergio.Api.Tests.Audit;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Disclosure;

public sealed class SecurityReportAdminTests
{
    private const string AdminPath = "/api/v1/admin/security-reports";

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_queue_shows_due_dates_and_flags_reports_past_them(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var received = factory.Time.GetUtcNow().UtcDateTime;
        var normal = await SubmitAsync(factory, "medium");
        var critical = await SubmitAsync(factory, "critical");
        factory.Time.Advance(TimeSpan.FromHours(13));
        var admin = await factory.CreatePlatformAdminAsync();

        var early = await ListAsync(admin);
        factory.Time.Advance(TimeSpan.FromHours(12));
        var late = await ListAsync(admin);

        Assert.Equal(2, early.GetProperty("total").GetInt32());
        var normalEarly = Item(early, normal);
        Assert.Equal(received.AddHours(24), normalEarly.GetProperty("ackDueAt").GetDateTime());
        Assert.Equal(JsonValueKind.Null, normalEarly.GetProperty("triageDueAt").ValueKind);
        Assert.False(normalEarly.GetProperty("overdue").GetBoolean());
        var criticalEarly = Item(early, critical);
        // Received at 12:00 UTC: triage is due by the end of that day, before the 24-hour acknowledgment.
        Assert.Equal(received.Date.AddDays(1), criticalEarly.GetProperty("triageDueAt").GetDateTime());
        Assert.True(criticalEarly.GetProperty("overdue").GetBoolean());
        Assert.True(Item(late, normal).GetProperty("overdue").GetBoolean());
        Assert.Equal("received", Item(late, normal).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Moving_a_report_through_its_states_stamps_it_and_is_audited(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var id = await SubmitAsync(factory, "high");
        var admin = await factory.CreatePlatformAdminAsync();

        var acknowledged = await PatchAsync(admin, id, "acknowledged");
        factory.Time.Advance(TimeSpan.FromHours(2));
        var triaged = await PatchAsync(admin, id, "triaged");

        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, triaged.StatusCode);
        var view = await triaged.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("triaged", view.GetProperty("status").GetString());
        Assert.Equal(view.GetProperty("acknowledgedAt").GetDateTime().AddHours(2), view.GetProperty("triagedAt").GetDateTime());
        Assert.False(view.GetProperty("overdue").GetBoolean());
        var changes = (await AuditTrail.AllAsync(factory)).Where(e => e.Action == SecurityReportEndpoints.StatusChangedAction).ToList();
        Assert.Equal(2, changes.Count);
        Assert.All(changes, e => Assert.Equal(admin.Id, e.ActorUserId));
        Assert.All(changes, e => Assert.Equal(id.ToString("D"), e.TargetId));
        Assert.Contains("\"from\":\"acknowledged\",\"to\":\"triaged\"", changes[1].Data, StringComparison.Ordinal);
        Assert.True((await AuditTrail.VerifyAsync(factory)).Intact);
    }

    [Fact]
    public async Task A_move_the_life_cycle_does_not_allow_is_409_and_changes_nothing()
    {
        await using var factory = new ConvergioFactory();
        var id = await SubmitAsync(factory, null);
        var admin = await factory.CreatePlatformAdminAsync();

        var response = await PatchAsync(admin, id, "disclosed");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("received", Item(await ListAsync(admin), id).GetProperty("status").GetString());
        Assert.DoesNotContain(await AuditTrail.AllAsync(factory), e => e.Action == SecurityReportEndpoints.StatusChangedAction);
    }

    [Fact]
    public async Task An_unknown_status_is_400_and_an_unknown_report_is_404()
    {
        await using var factory = new ConvergioFactory();
        var id = await SubmitAsync(factory, null);
        var admin = await factory.CreatePlatformAdminAsync();

        Assert.Equal(HttpStatusCode.BadRequest, (await PatchAsync(admin, id, "received")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PatchAsync(admin, id, "done")).StatusCode);
        var missing = await PatchAsync(admin, Guid.NewGuid(), "acknowledged");
        await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_queue_is_401_anonymous_and_403_for_a_user_who_is_not_a_platform_admin()
    {
        await using var factory = new ConvergioFactory();
        var id = await SubmitAsync(factory, null);
        using var anonymous = factory.CreateClient();
        var user = await factory.CreateSignedInUserAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(AdminPath, TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Browser.GetAsync(AdminPath)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PatchAsync(user, id, "rejected")).StatusCode);
        Assert.DoesNotContain(await AuditTrail.AllAsync(factory), e => e.Action == SecurityReportEndpoints.StatusChangedAction);
    }

    internal static async Task<Guid> SubmitAsync(ConvergioFactory factory, string? severity)
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/security/reports", SecurityReportIntakeTests.ValidReport(severity: severity), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("reportId").GetGuid();
    }

    private static async Task<JsonElement> ListAsync(SignedInUser admin)
    {
        var response = await admin.Browser.GetAsync(AdminPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    private static Task<HttpResponseMessage> PatchAsync(SignedInUser user, Guid id, string status) =>
        user.Client.PatchAsJsonAsync($"{AdminPath}/{id}", new { status }, TestContext.Current.CancellationToken);

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page=2147483647", "page")]
    [InlineData("pageSize=101", "pageSize")]
    public async Task Paging_outside_its_bounds_is_a_validation_problem(string query, string field)
    {
        await using var factory = new ConvergioFactory();
        var admin = await factory.CreatePlatformAdminAsync();

        var response = await admin.Browser.GetAsync($"{AdminPath}?{query}");

        await ProblemAssert.IsValidationProblemAsync(response, field);
    }

    private static JsonElement Item(JsonElement page, Guid id) =>
        page.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id);
}
