namespace Convergio.Api.Secrets;

public enum GuardSeverity
{
    Error,
    Warning,
}

/// <summary>One broken (error) or weak (warning) production rule.</summary>
public sealed record GuardFinding(GuardSeverity Severity, string Rule, string Message)
{
    public override string ToString() => $"{(Severity == GuardSeverity.Error ? "error" : "warning")} [{Rule}] {Message}";
}

/// <summary>
/// A production rule. Implementations are discovered in this assembly, so a feature adds a
/// rule by adding a class beside its code; the server's start and <c>convergio config lint</c>
/// run the same set.
/// </summary>
public interface IProductionRule
{
    IEnumerable<GuardFinding> Check(IConfiguration configuration);
}

public static class ProductionGuard
{
    private static readonly IReadOnlyList<IProductionRule> Rules = typeof(IProductionRule).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IProductionRule).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (IProductionRule)Activator.CreateInstance(t)!)
        .ToList();

    /// <summary>Every finding of every rule, errors first, never stopping at the first; key ages on <paramref name="time"/> (the system clock when null).</summary>
    public static IReadOnlyList<GuardFinding> Check(IConfiguration configuration, TimeProvider? time = null) =>
        Rules.SelectMany(r => r.Check(configuration))
            .Concat(KeyRotationRule.Check(configuration, time ?? TimeProvider.System))
            .OrderBy(f => f.Severity)
            .ToList();
}

public sealed class ProductionGuardException(IReadOnlyList<GuardFinding> errors) : Exception(
    "Refusing to start in Production; fix every problem below:" + Environment.NewLine +
    string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<GuardFinding> Errors { get; } = errors;
}

/// <summary>Runs the guard before anything else starts, so a misconfigured host never listens.</summary>
internal sealed class ProductionGuardStartup(IConfiguration configuration, IHostEnvironment environment, TimeProvider time, ILogger<ProductionGuardStartup> logger)
    : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsProduction())
        {
            return Task.CompletedTask;
        }

        var findings = ProductionGuard.Check(configuration, time);
        foreach (var warning in findings.Where(f => f.Severity == GuardSeverity.Warning))
        {
            logger.LogWarning("Production guard: {Finding}", warning.ToString());
        }
        var errors = findings.Where(f => f.Severity == GuardSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new ProductionGuardException(errors);
        }
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
