using Convergio.Api.Admin;
using Convergio.Api.ApiDocs;
using Convergio.Api.Audit;
using Convergio.Api.Auth;
using Convergio.Api.Auth.EmailVerification;
using Convergio.Api.Auth.Mfa;
using Convergio.Api.Auth.Passkeys;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Billing;
using Convergio.Api.Csrf;
using Convergio.Api.Data;
using Convergio.Api.Disclosure;
using Convergio.Api.Edge;
using Convergio.Api.Hosting;
using Convergio.Api.Mail;
using Convergio.Api.Observability;
using Convergio.Api.ProviderKeys;
using Convergio.Api.Secrets;
using Convergio.Api.Tenancy;
using Convergio.WebConsole;

// Refusals to start (a broken rule or option, found while building or starting) end in one line, not a trace.
try
{
    var builder = WebApplication.CreateBuilder(HostEnvironmentName.StartOptions(args));
    builder.IsolateBuildTimeHost();

    builder.Services.AddSingleton(TimeProvider.System);

    builder.AddSecrets();
    builder.AddProductionGuard();
    builder.AddStructuredLogging();
    builder.AddStartupRefusals();
    builder.AddListeningLog();
    builder.AddObservability();
    builder.AddProblemDetailsEverywhere();
    builder.AddRequestBodyLimit();
    builder.AddHostAllowlist();
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
    builder.AddCsrf();
    builder.AddAuth();
    builder.AddProviderKeys();
    builder.AddTenancy();
    builder.AddStepUp();
    builder.AddMfa();
    builder.AddPasskeys();
    builder.AddEmailVerification();
    builder.AddConsole();

    var app = builder.Build();

    // The order is the contract in docs/design.md: each protection sees what the previous one allowed.
    app.UseHostAllowlist();
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
    app.UseUtf8Bodies();
    app.UseRateLimits();
    app.UseAuthorization();

    // Every endpoint below binds only plain text (Edge/PlainTextInput).
    var api = app.MapGroup("").RequirePlainTextInput();
    api.MapHealth();
    api.MapMetrics();
    api.MapAuth();
    api.MapCspReports();
    api.MapProviderKeys();
    api.MapStripeWebhooks();
    api.MapTenancy();
    api.MapAdmin();
    api.MapStepUp();
    api.MapMfa();
    api.MapPasskeys();
    api.MapEmailVerification();
    api.MapApiDocs();
    api.MapAudit();
    api.MapDisclosure();
    // The console's pages and assets at / (same origin), when Console:Enabled (default in Development).
    if (app.ConsoleEnabled())
    {
        api.MapConsole().RequireRateLimiting(RateLimitPolicies.General);
    }

    await app.RunAsync();
    return 0;
}
catch (Exception e) when (StartupRefusal.Reason(e) is { } reason)
{
    await Console.Error.WriteLineAsync(reason);
    return 1;
}

public partial class Program;
