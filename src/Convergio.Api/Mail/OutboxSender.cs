using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Convergio.Api.Mail;

/// <summary>Wakes the sender as soon as outbox rows are committed, instead of waiting for the next poll.</summary>
public sealed class OutboxSignal : WakeSignal;

/// <summary>Signals the sender once outbox rows are committed: after SaveChanges, or after the surrounding transaction commits.</summary>
internal sealed class OutboxSaveInterceptor(OutboxSignal signal) : SaveChangesInterceptor
{
    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && context.Database.CurrentTransaction is null && HasUnsent(context))
        {
            signal.Notify();
        }
        return ValueTask.FromResult(result);
    }

    internal static bool HasUnsent(DbContext context) =>
        context.ChangeTracker.Entries<OutboxEmail>().Any(e => e.Entity.SentAt == null);
}

internal sealed class OutboxTransactionInterceptor(OutboxSignal signal) : DbTransactionInterceptor
{
    public override Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && OutboxSaveInterceptor.HasUnsent(context))
        {
            signal.Notify();
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// Delivers committed outbox rows, oldest first, with exponential back-off on failure.
/// Several instances may run: a row is claimed by bumping its next attempt before sending.
/// </summary>
internal sealed class OutboxSender(
    IServiceScopeFactory scopes,
    OutboxSignal signal,
    IMailTransport transport,
    IOptions<EmailOptions> options,
    TimeProvider time,
    ILogger<OutboxSender> logger) : BackgroundService
{
    private const int BatchSize = 20;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        signal.DrainAsync(SendBatchAsync, BatchSize, options.Value.PollInterval, logger, stoppingToken);

    public async Task<int> SendBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        var now = time.GetUtcNow().UtcDateTime;
        var due = await db.OutboxEmails
            .Where(e => e.SentAt == null && e.NextAttemptAt <= now && e.Attempts < options.Value.MaxAttempts)
            .OrderBy(e => e.NextAttemptAt)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);

        foreach (var email in due)
        {
            email.Attempts++;
            try
            {
                await transport.SendAsync(ToMime(email), cancellationToken);
                email.SentAt = time.GetUtcNow().UtcDateTime;
                email.LastError = null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                email.NextAttemptAt = now + TimeSpan.FromSeconds(Math.Pow(2, email.Attempts) * 15);
                email.LastError = e.GetType().Name;
                logger.LogWarning("Outbox message {MessageId} failed (attempt {Attempt}): {Error}", email.Id, email.Attempts, e.GetType().Name);
            }
            await db.SaveChangesAsync(cancellationToken);
        }
        return due.Count;
    }

    private MimeMessage ToMime(OutboxEmail email)
    {
        var message = new MimeMessage
        {
            MessageId = $"{email.Id:N}@convergio",
            Subject = email.Subject,
            Body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody }.ToMessageBody(),
            Date = new DateTimeOffset(email.CreatedAt, TimeSpan.Zero),
        };
        message.From.Add(MailboxAddress.Parse(options.Value.From));
        message.To.Add(MailboxAddress.Parse(email.To));
        return message;
    }
}
