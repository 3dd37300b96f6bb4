using Convergio.Api.Observability;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Primitives;

namespace Convergio.Api.Edge;

/// <summary>
/// Answers only to the hosts of <c>AllowedHosts</c> (<c>;</c>-separated, <c>*.example.com</c> for
/// subdomains, ports ignored), so a forged <c>Host</c> never reaches the HTTPS redirect or the
/// own-origin check of CSRF. The platform's probes of <c>/health/live</c> and <c>/health/ready</c>
/// use the pod's address as Host and are spared (they carry no data). The framework's own host
/// filter runs before the pipeline and cannot spare them, so it is set to allow all and this one
/// takes its place. <c>*</c> (the Development default) checks nothing; Production refuses it
/// (<see cref="AllowedHostsRule"/>).
/// </summary>
public static class HostAllowlist
{
    public const string Key = "AllowedHosts";

    public static WebApplicationBuilder AddHostAllowlist(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<HostFilteringOptions>(o => o.AllowedHosts = ["*"]);
        return builder;
    }

    public static IApplicationBuilder UseHostAllowlist(this IApplicationBuilder app)
    {
        var hosts = Read(app.ApplicationServices.GetRequiredService<IConfiguration>());
        if (hosts.Count == 0 || hosts.Contains("*"))
        {
            return app;
        }
        var patterns = hosts.Select(h => new StringSegment(h)).ToList();
        return app.Use(async (context, next) =>
        {
            var host = context.Request.Headers.Host.ToString();
            if (Health.IsProbe(context.Request) || host.Length > 0 && HostString.MatchesAny(host, patterns))
            {
                await next(context);
                return;
            }
            await ApiProblems.BadRequest("This host name is not served here.").ExecuteAsync(context);
        });
    }

    /// <summary>The configured entries, in the form the framework's host filter uses (punycode, no port).</summary>
    public static IReadOnlyList<string> Read(IConfiguration configuration) =>
        (configuration[Key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(h => new HostString(h).ToUriComponent())
            .ToList();
}

/// <summary>Production names the hosts it answers to; <c>*</c> or nothing would let any Host header through.</summary>
internal sealed class AllowedHostsRule : IProductionRule
{
    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        var hosts = HostAllowlist.Read(configuration);
        if (hosts.Count == 0 || hosts.Contains("*"))
        {
            yield return new(GuardSeverity.Error, "allowed-hosts",
                $"{HostAllowlist.Key} is {(hosts.Count == 0 ? "not set" : "'*'")}; list the host names this API answers to, separated by ';' (e.g. api.convergio.io).");
        }
    }
}
