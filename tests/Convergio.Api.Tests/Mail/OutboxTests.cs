using Convergio.Api.Data;
using Convergio.Api.Mail;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Mail;

public sealed class OutboxTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Committed_mail_is_delivered_to_the_pickup_directory_and_marked_sent(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        _ = factory.Server;
        var to = $"someone-{Guid.NewGuid():N}@example.test";

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<Mailer>().Enqueue(to, "Hello", "Body text");
            await scope.ServiceProvider.GetRequiredService<ConvergioDb>().SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var message = await MailPickup.WaitForAsync(factory.MailDirectory, to);
        Assert.Contains("Subject: Hello", message, StringComparison.Ordinal);
        Assert.Contains("Body text", message, StringComparison.Ordinal);
        await using var check = factory.Services.CreateAsyncScope();
        var stored = await check.ServiceProvider.GetRequiredService<ConvergioDb>().OutboxEmails.SingleAsync(TestContext.Current.CancellationToken);
        Assert.NotNull(stored.SentAt);
    }

    [Fact]
    public async Task Mail_of_a_rolled_back_change_is_never_sent()
    {
        await using var factory = new ConvergioFactory();
        _ = factory.Server;

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
            await using var transaction = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
            scope.ServiceProvider.GetRequiredService<Mailer>().Enqueue("nobody@example.test", "Never", "Never");
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        }

        await using var check = factory.Services.CreateAsyncScope();
        Assert.Empty(await check.ServiceProvider.GetRequiredService<ConvergioDb>().OutboxEmails.ToListAsync(TestContext.Current.CancellationToken));
        Assert.False(Directory.Exists(factory.MailDirectory) && Directory.EnumerateFiles(factory.MailDirectory, "*.eml").Any());
    }
}
