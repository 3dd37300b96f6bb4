// What a .NET team would build instead: ASP.NET Core Identity on EF Core (SQLite), its cookie
// ticket, and the built-in rate limiter. PEER_VALIDATE_STAMP_EVERY_REQUEST=true makes the cookie
// revocable the Identity way: the security stamp is checked against the database on every request.
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var database = Environment.GetEnvironmentVariable("PEER_SQLITE_PATH") ?? Path.Combine(Path.GetTempPath(), $"identity-peer-{Environment.ProcessId}.db");
builder.Services.AddDbContext<PeerDb>(o => o.UseSqlite($"Data Source={database};Cache=Shared;Pooling=True"));
builder.Services.AddIdentity<IdentityUser, IdentityRole>()
    .AddEntityFrameworkStores<PeerDb>();
builder.Services.ConfigureApplicationCookie(o =>
{
    o.Cookie.HttpOnly = true;
    o.Cookie.SameSite = SameSiteMode.Lax;
    o.Events.OnRedirectToLogin = context =>
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    };
});
if (string.Equals(Environment.GetEnvironmentVariable("PEER_VALIDATE_STAMP_EVERY_REQUEST"), "true", StringComparison.OrdinalIgnoreCase))
{
    builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);
}
builder.Services.AddAuthorization();
builder.Services.AddRateLimiter(o =>
{
    o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
    o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetFixedWindowLimiter(
        context.Connection.RemoteIpAddress?.ToString() ?? "",
        _ => new FixedWindowRateLimiterOptions { PermitLimit = 1_000_000, Window = TimeSpan.FromMinutes(1) }));
});

var app = builder.Build();
await using (var scope = app.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<PeerDb>().Database.EnsureCreatedAsync();
}
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/health/live", () => "Healthy");
app.MapPost("/register", async (Credentials body, UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn) =>
{
    var user = new IdentityUser { UserName = body.Email, Email = body.Email };
    var created = await users.CreateAsync(user, body.Password);
    if (!created.Succeeded)
    {
        return Results.ValidationProblem(created.Errors.ToDictionary(e => e.Code, e => new[] { e.Description }));
    }
    await signIn.SignInAsync(user, isPersistent: false);
    return Results.Created("/me", new { user.Id, user.Email });
});
app.MapGet("/me", (ClaimsPrincipal user) => new
{
    Id = user.FindFirstValue(ClaimTypes.NameIdentifier),
    Email = user.FindFirstValue(ClaimTypes.Name),
}).RequireAuthorization();

app.Run();

internal sealed record Credentials(string Email, string Password);

internal sealed class PeerDb(DbContextOptions<PeerDb> options) : IdentityDbContext<IdentityUser>(options);
