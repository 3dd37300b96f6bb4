namespace Convergio.Cli.Baseline;

/// <summary>
/// Runs every check against a live deployment, from the outside. Order matters: read-only probes
/// first, the signed-in checks next, the rate-limit probe (which spends this client's auth budget) last.
/// </summary>
public sealed class BaselineChecker(BaselineTarget target, TimeProvider time)
{
    /// <summary>Called once per finished check, in order (the command prints a progress line to a terminal).</summary>
    public Action<CheckResult>? Progress { get; init; }

    /// <exception cref="TargetUnreachableException">Nothing accepts connections at the target's host and port.</exception>
    public async Task<BaselineReport> RunAsync(CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        await TlsChecks.EnsureReachableAsync(target, cancellationToken);

        var results = new List<CheckResult>();
        var trust = new CertificateTrust(target.TrustedRoots, target.Insecure);
        var transport = new TransportChecks();
        string? unusable = null;
        if (target.ApiBase.Scheme == Uri.UriSchemeHttp)
        {
            // A plain-HTTP deployment is graded, not refused: TLS and HTTPS fail, the rest is checked as served.
            var evidence = $"plain HTTP: {target.ApiOrigin} is served without TLS";
            Record(results, [.. TlsChecks.Checks.Concat(transport.Checks).Select(c => c.Fail(evidence))]);
        }
        else
        {
            (var tls, unusable) = await TlsChecks.RunAsync(target, trust, cancellationToken);
            Record(results, tls);
        }

        ICheckGroup[] groups =
        [
            .. target.ApiBase.Scheme == Uri.UriSchemeHttp ? Array.Empty<ICheckGroup>() : [transport],
            new HeaderChecks(), new ErrorChecks(), new SecurityTxtCheck(time),
            new CorsChecks(), new AuthChecks(), new SessionChecks(time), new RateLimitCheck(),
        ];
        using var probe = new Probe(target, trust);
        foreach (var group in groups)
        {
            Record(results, unusable is not null
                ? group.Checks.Select(c => c.Fail($"not run: {unusable}")).ToList()
                : await RunGroupAsync(group, probe, cancellationToken));
        }

        // Report in catalogue order, whatever order the groups ran in.
        var ordered = results.OrderBy(r => BaselineChecks.All.ToList().IndexOf(r.Check)).ToList();
        return new BaselineReport("check", target.ApiBase.ToString(), started, time.GetUtcNow(), ordered);
    }

    private static async Task<IReadOnlyList<CheckResult>> RunGroupAsync(ICheckGroup group, Probe probe, CancellationToken cancellationToken)
    {
        try
        {
            return await group.RunAsync(probe, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return group.Checks.Select(c => c.Fail($"not completed: a request failed ({e.Message})")).ToList();
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return group.Checks.Select(c => c.Fail($"not completed: a request timed out after {probe.Target.Timeout.TotalSeconds:0.#}s")).ToList();
        }
    }

    private void Record(List<CheckResult> results, IReadOnlyList<CheckResult> finished)
    {
        foreach (var result in finished)
        {
            results.Add(result);
            Progress?.Invoke(result);
        }
    }
}
