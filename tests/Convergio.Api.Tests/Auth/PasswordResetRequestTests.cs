using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using Convergio.Api.Audit;
using Convergio.Api.Auth;
using Convergio.Api.Observability;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Convergio.Api.Tests.Auth;

/// <summary>Forgot-password stores a request; the dispatcher answers it after the response.</summary>
public sealed class PasswordResetRequestTests
{
    private const string ForgotPassword = "/api/v1/auth/forgot-password";

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Forgot_password_runs_the_same_database_commands_for_a_known_and_an_unknown_address(Db db)
    {
        var commands = new ForgotPasswordCommands();
        await using var factory = new ConvergioFactory(db).WithServices(s => s.AddSingleton<IInterceptor>(commands));
        var user = await factory.CreateSignedInUserAsync();
        using var browser = new TestBrowser(factory);

        Assert.Equal(HttpStatusCode.Accepted, (await browser.PostJsonAsync(ForgotPassword, new { email = user.Email })).StatusCode);
        var known = commands.TakeAll();
        Assert.Equal(HttpStatusCode.Accepted, (await browser.PostJsonAsync(ForgotPassword, new { email = AuthTestExtensions.NewEmail() })).StatusCode);
        var unknown = commands.TakeAll();

        Assert.NotEmpty(known);
        Assert.Equal(known, unknown);
        Assert.DoesNotContain(known, c => c.Contains("users", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_audit_event_of_a_reset_request_names_the_request_that_asked()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        using var browser = new TestBrowser(factory);
        browser.Client.DefaultRequestHeaders.UserAgent.ParseAdd("ResetRequester/1.0");

        var response = await browser.PostJsonAsync(ForgotPassword, new { email = user.Email });
        await MailPickup.WaitForLinkTokenAsync(factory.MailDirectory, user.Email, "/reset-password");

        var requested = await factory.WithDbAsync(d => d.AuditEvents.SingleAsync(e => e.Action == AuthAuditActions.PasswordResetRequested, TestContext.Current.CancellationToken));
        Assert.Equal(response.Headers.GetValues(LoggingSetup.RequestIdHeader).Single(), requested.RequestId);
        Assert.Equal("ResetRequester/1.0", requested.UserAgent);
        Assert.Equal(user.Id, requested.ActorUserId);
        Assert.Equal(AuditOutcomes.Success, requested.Outcome);
    }

    [Fact]
    public async Task An_answered_request_is_deleted_with_the_requesters_address()
    {
        await using var factory = new ConvergioFactory();
        using var browser = new TestBrowser(factory);
        var email = AuthTestExtensions.NewEmail();

        await browser.PostJsonAsync(ForgotPassword, new { email });
        await MailPickup.WaitForAsync(factory.MailDirectory, email);

        Assert.Equal(0, await factory.WithDbAsync(d => d.PasswordResetRequests.CountAsync(TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Concurrent_dispatchers_answer_each_request_once()
    {
        await using var factory = new ConvergioFactory(Db.Postgres);
        var user = await factory.CreateSignedInUserAsync();
        var now = factory.Time.GetUtcNow().UtcDateTime;
        await factory.WithDbAsync(async d =>
        {
            d.PasswordResetRequests.AddRange(Enumerable.Range(0, 20).Select(i => new PasswordResetRequest { Id = Guid.NewGuid(), Email = user.Email, RequestedAt = now.AddMilliseconds(i) }));
            await d.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        var dispatcher = factory.Services.GetServices<IHostedService>().OfType<PasswordResetDispatcher>().Single();

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => dispatcher.DispatchBatchAsync(TestContext.Current.CancellationToken)));

        Assert.Equal(20, await factory.WithDbAsync(d => d.PasswordResetTokens.CountAsync(t => t.UserId == user.Id, TestContext.Current.CancellationToken)));
        Assert.Equal(20, await factory.WithDbAsync(d => d.AuditEvents.CountAsync(e => e.Action == AuthAuditActions.PasswordResetRequested, TestContext.Current.CancellationToken)));
        Assert.Equal(0, await factory.WithDbAsync(d => d.PasswordResetRequests.CountAsync(TestContext.Current.CancellationToken)));
    }

    /// <summary>The text of every command run while a forgot-password request is handled.</summary>
    private sealed class ForgotPasswordCommands : DbCommandInterceptor
    {
        private readonly ConcurrentQueue<string> _texts = new();
        private readonly HttpContextAccessor _http = new();

        public string[] TakeAll()
        {
            var texts = new List<string>();
            while (_texts.TryDequeue(out var text))
            {
                texts.Add(text);
            }
            return [.. texts];
        }

        public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            Record(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            Record(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
        {
            Record(command);
            return ValueTask.FromResult(result);
        }

        // Only the request's own commands: the dispatcher runs outside any request, after the response.
        private void Record(DbCommand command)
        {
            if (_http.HttpContext?.Request.Path == ForgotPassword)
            {
                _texts.Enqueue(command.CommandText);
            }
        }
    }
}
