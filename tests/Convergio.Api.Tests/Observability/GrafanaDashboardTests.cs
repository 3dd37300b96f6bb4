using System.Text.Json;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Observability;

public sealed class GrafanaDashboardTests
{
    /// <summary>The Prometheus names of every <see cref="Convergio.Api.Observability.SecurityMetrics"/> instrument.</summary>
    private static readonly string[] SecuritySeries =
    [
        "convergio_auth_logins_total",
        "convergio_ratelimit_rejections_total",
        "convergio_ratelimit_redis_fallbacks_total",
        "convergio_csrf_rejections_total",
        "convergio_cors_rejections_total",
        "convergio_webhooks_signature_failures_total",
        "convergio_sessions_active",
    ];

    [Fact]
    public void The_security_dashboard_charts_every_security_counter_from_a_Prometheus_datasource()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryFiles.Root(), "deploy", "grafana", "convergio-security.json")));

        var targets = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .ToList();

        Assert.All(targets, t => Assert.Equal("prometheus", t.GetProperty("datasource").GetProperty("type").GetString()));
        var expressions = string.Join('\n', targets.Select(t => t.GetProperty("expr").GetString()));
        Assert.All(SecuritySeries, series => Assert.Contains(series, expressions, StringComparison.Ordinal));
    }
}
