using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Auth;

/// <summary>Deletes sessions past their absolute or idle end and reset tokens past their expiry, hourly.</summary>
internal sealed class SessionPurge(IServiceScopeFactory scopes, IOptions<AuthOptions> options, TimeProvider time, ILogger<SessionPurge> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(Interval, PurgeAsync, time, logger, stoppingToken);

    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        var now = time.GetUtcNow().UtcDateTime;
        // A use not yet written must not make a live session look idle.
        var idleCutoff = now - options.Value.IdleTimeout - LastSeenWriter.MaxLag;
        var sessions = await db.Sessions.Where(s => s.ExpiresAt <= now || s.LastSeenAt <= idleCutoff).ExecuteDeleteAsync(cancellationToken);
        var tokens = await db.PasswordResetTokens.Where(t => t.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
        if (sessions + tokens > 0)
        {
            logger.LogInformation("Purged {Sessions} expired session(s) and {Tokens} expired reset token(s)", sessions, tokens);
        }
        return sessions;
    }
}
