using Convergio.Api.Audit;
using Convergio.Api.Auth.Passkeys;
using Convergio.Api.Billing;
using Convergio.Api.Data;
using Convergio.Api.Edge;
using Convergio.Api.Mail;
using Convergio.Api.Observability;
using Convergio.Api.Secrets;

namespace Convergio.Api.Hosting;

public static class ProductionGuard
{
    /// <summary>
    /// Every rule the guard applies, in one list a reader can audit; key ages are judged on <paramref name="time"/>.
    /// A rule written beside its feature but missing here would never run; a test compares this list
    /// with every rule in the assembly.
    /// </summary>
    public static IReadOnlyList<IProductionRule> Rules(TimeProvider time) =>
    [
        new SecretSourceRule(),
        new SigningKeyRule(),
        new EncryptionKeyRule(),
        new PostgresTlsRule(),
        new RedisTlsRule(),
        new AllowedHostsRule(),
        new CorsOriginRule(),
        new RateLimitingEnabledRule(),
        new WebAuthnRule(),
        new SentryRule(),
        new OtlpTlsRule(),
        new MetricsListenerRule(),
        new MetricsTokenRule(),
        new SmtpRule(),
        new StripeWebhookSecretRule(),
        new AuditRetentionRule(),
        new KeyRotationRule(time),
    ];

    /// <summary>Every finding of every rule, errors first, never stopping at the first; key ages on <paramref name="time"/> (the system clock when null).</summary>
    public static IReadOnlyList<GuardFinding> Check(IConfiguration configuration, TimeProvider? time = null) =>
        Rules(time ?? TimeProvider.System).SelectMany(r => r.Check(configuration))
            .OrderBy(f => f.Severity)
            .ToList();
}

public sealed class ProductionGuardException(IReadOnlyList<GuardFinding> errors) : Exception(
    "Refusing to start in Production; fix every problem below:" + Environment.NewLine +
    string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<GuardFinding> Errors { get; } = errors;
}

public static class ProductionGuardExtensions
{
    /// <summary>Runs the guard before anything else starts, so a misconfigured host never listens.</summary>
    public static WebApplicationBuilder AddProductionGuard(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<ProductionGuardStartup>();
        return builder;
    }
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
