using Convergio.Api.Admin;
using Convergio.Api.Audit;
using Convergio.Api.Auth;
using Convergio.Api.Data;
using Convergio.Api.Edge;
using Convergio.Api.Mail;
using Convergio.Api.Observability;
using Convergio.Api.Secrets;
using Convergio.Api.Tenancy;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSingleton(TimeProvider.System);

builder.AddSecrets();
builder.AddStructuredLogging();
builder.AddProblemDetailsEverywhere();
builder.AddRequestBodyLimit();
builder.AddTrustedProxies();
builder.AddData();
builder.AddAudit();
builder.AddMail();
builder.AddRateLimits();
builder.AddHealth();
builder.Services.AddMetrics();
builder.Services.AddSingleton<SecurityMetrics>();
builder.AddApiDocs();
builder.AddAuth();
builder.AddTenancy();
builder.AddAdmin();

var app = builder.Build();

// The order is the contract in DESIGN.md: each protection sees what the previous one allowed.
app.UseForwardedHeaders();
app.UseRequestId();
app.UseProblemDetailsEverywhere();
app.UseRouting();
app.UseRequestBodyLimit();
app.UseAuthentication();
app.UseCsrfProtection();
app.UseRateLimiter();
app.UseAuthorization();

app.MapHealth();
app.MapAuth();
app.MapTenancy();
app.MapAdmin();
app.MapApiDocs();

try
{
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is ProductionGuardException or SchemaBehindException)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 1;
}

public partial class Program;
