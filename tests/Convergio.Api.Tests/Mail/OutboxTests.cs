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

    [Fact]
    public async Task A_mail_with_an_html_part_is_sent_as_text_and_html_alternatives()
    {
        await using var factory = new ConvergioFactory();
        _ = factory.Server;
        var to = $"someone-{Guid.NewGuid():N}@example.test";

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<Mailer>().Enqueue(to, "Both", "Plain words", "<p>Marked-up words</p>");
            await scope.ServiceProvider.GetRequiredService<ConvergioDb>().SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var raw = await MailPickup.WaitForAsync(factory.MailDirectory, to);
        var message = await MimeKit.MimeMessage.LoadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw)), TestContext.Current.CancellationToken);
        Assert.Equal("multipart/alternative", message.Body!.ContentType.MimeType);
        Assert.Equal("Plain words", message.TextBody!.Trim());
        Assert.Equal("<p>Marked-up words</p>", message.HtmlBody!.Trim());
    }
}
