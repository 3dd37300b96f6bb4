using System.Globalization;
using System.Net;
using System.Text.Json;
using Convergio.Api.Audit;
using Convergio.Api.Data;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Audit;

public sealed class AuditExportTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Jsonl_export_streams_the_events_in_range_as_stored_with_their_hashes(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        await AuditTrail.RecordAsync(factory, 2, "test.before");
        factory.Time.Advance(TimeSpan.FromDays(2));
        await AuditTrail.RecordAsync(factory, 3, "test.inside");
        factory.Time.Advance(TimeSpan.FromDays(2));
        var admin = await factory.CreatePlatformAdminAsync();

        var response = await admin.Browser.GetAsync($"/api/v1/admin/audit/export?from={Iso(Start.AddDays(1))}&to={Iso(Start.AddDays(3))}&format=jsonl");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var lines = (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var exported = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var stored = (await AuditTrail.AllAsync(factory)).Where(e => e.Action == "test.inside").ToList();
        Assert.Equal(stored.Select(e => e.Id), exported.Select(e => e.GetProperty("id").GetInt64()));
        Assert.Equal(stored.Select(e => e.Hash), exported.Select(e => e.GetProperty("hash").GetString()));
        Assert.Equal(stored.Select(e => e.PrevHash), exported.Select(e => e.GetProperty("prevHash").GetString()));
        Assert.Equal(stored.Select(e => AuditChain.FormatTimestamp(e.OccurredAt)), exported.Select(e => e.GetProperty("occurredAt").GetString()));
        Assert.Equal(stored.Select(e => e.Data), exported.Select(e => e.GetProperty("data").GetString()));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Csv_export_has_a_header_and_neutralizes_formula_cells(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        string[] formulas = ["=HYPERLINK(\"http://evil.test\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd"];
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
            foreach (var formula in formulas)
            {
                audit.Record("test.csv", targetType: "test", targetId: formula);
            }
            await scope.ServiceProvider.GetRequiredService<ConvergioDb>().SaveChangesAsync(TestContext.Current.CancellationToken);
        }
        var admin = await factory.CreatePlatformAdminAsync();

        var response = await admin.Browser.GetAsync("/api/v1/admin/audit/export?format=csv");
        var csv = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("id,seq,occurredAt,actorUserId,orgId,action,targetType,targetId,outcome,ip,userAgent,personalKey,personalDigest,requestId,data,prevHash,hash\r\n", csv, StringComparison.Ordinal);
        var rows = new List<string[]>();
        using (var reader = CsvHelper.CsvReader.FromText(csv, CsvHelper.CsvReaderOptions.Default))
        {
            foreach (var row in reader)
            {
                rows.Add(row.ToArray());
            }
        }
        Assert.Equal(formulas.Select(f => "'" + f), rows.Where(r => r[5] == "test.csv").Select(r => r[7]));
        Assert.DoesNotContain(rows.SelectMany(r => r), cell => cell.Length > 0 && "=+-@\t\r".Contains(cell[0], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exporting_is_itself_audited_with_the_admin_as_actor()
    {
        await using var factory = new ConvergioFactory();
        var admin = await factory.CreatePlatformAdminAsync();

        var response = await admin.Browser.GetAsync("/api/v1/admin/audit/export?format=csv");
        await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        var exported = Assert.Single(await AuditTrail.AllAsync(factory), e => e.Action == AuditExport.ExportedAction);
        Assert.Equal(admin.Id, exported.ActorUserId);
        Assert.Contains("\"format\":\"csv\"", exported.Data, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("format=xml", "format")]
    [InlineData("from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", "to")]
    public async Task Bad_export_parameters_are_400_naming_the_parameter(string query, string field)
    {
        await using var factory = new ConvergioFactory();
        var admin = await factory.CreatePlatformAdminAsync();

        var response = await admin.Browser.GetAsync($"/api/v1/admin/audit/export?{query}");

        await ProblemAssert.IsValidationProblemAsync(response, field);
    }

    [Fact]
    public async Task Export_is_401_anonymous_and_403_for_a_user_who_is_not_a_platform_admin()
    {
        await using var factory = new ConvergioFactory();
        using var anonymous = factory.CreateClient();
        var user = await factory.CreateSignedInUserAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/admin/audit/export", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Browser.GetAsync("/api/v1/admin/audit/export")).StatusCode);
        Assert.DoesNotContain(await AuditTrail.AllAsync(factory), e => e.Action == AuditExport.ExportedAction);
    }

    private static string Iso(DateTimeOffset value) => Uri.EscapeDataString(value.ToString("O", CultureInfo.InvariantCulture));
}
