using Convergio.Api.Admin;
using Convergio.Api.Audit;
using Convergio.Api.Auth;
using Convergio.Api.Billing;
using Convergio.Api.Auth.EmailVerification;
using Convergio.Api.Auth.Mfa;
using Convergio.Api.Auth.Passkeys;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Data;
using Convergio.Api.Disclosure;
using Convergio.Api.Edge;
using Convergio.Api.Hosting;
using Convergio.Api.Mail;
using Convergio.Api.Observability;
using Convergio.Api.ProviderKeys;
using Convergio.Api.Secrets;
using Convergio.Api.Tenancy;

// Refusals to start (a broken rule or option, found while building or starting) end in one line, not a trace.
try
{
    var builder = WebApplication.CreateBuilder(args);

    builder.Services.AddSingleton(TimeProvider.System);

    builder.AddSecrets();
    builder.AddStructuredLogging();
    builder.AddListeningLog();
    builder.AddObservability();
    builder.AddProblemDetailsEverywhere();
    builder.AddRequestBodyLimit();
    builder.AddTrustedProxies();
    builder.AddHttpsEnforcement();
    builder.AddModernTls();
    builder.AddSecurityHeaders();
    builder.AddCorsAllowlist();
    builder.AddData();
    builder.AddAudit();
    builder.AddMail();
    builder.AddDisclosure();
    builder.AddRateLimits();
    builder.AddHealth();
    builder.AddApiDocs();
    builder.AddAuth();
    builder.AddProviderKeys();
    builder.AddTenancy();
    builder.AddAdmin();
    builder.AddStepUp();
    builder.AddMfa();
    builder.AddPasskeys();
    builder.AddEmailVerification();

    var app = builder.Build();

    // The order is the contract in docs/design.md: each protection sees what the previous one allowed.
    app.UseForwardedHeaders();
    app.UseRequestId();
    app.UseHttpsEnforcement();
    app.UseSecurityHeaders();
    app.UseProblemDetailsEverywhere();
    app.UseCorsAllowlist();
    app.UseRouting();
    app.UseRequestBodyLimit();
    app.UseAuthentication();
    app.UseCsrfProtection();
    app.UseRateLimits();
    app.UseAuthorization();

    app.MapHealth();
    app.MapMetrics();
    app.MapAuth();
    app.MapCspReports();
    app.MapProviderKeys();
    app.MapStripeWebhooks();
    app.MapTenancy();
    app.MapAdmin();
    app.MapStepUp();
    app.MapMfa();
    app.MapPasskeys();
    app.MapEmailVerification();
    app.MapApiDocs();
    app.MapAudit();
    app.MapDisclosure();

    await app.RunAsync();
    return 0;
}
catch (Exception e) when (StartupRefusal.Reason(e) is { } reason)
{
    await Console.Error.WriteLineAsync(reason);
    return 1;
}

public partial class Program;
