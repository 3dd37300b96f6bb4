using Convergio.Api.Auth;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Convergio.Api.Tests.Auth;

public sealed class SessionPurgeTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_purge_deletes_idle_and_expired_sessions_and_keeps_live_ones(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var idle = await factory.CreateSignedInUserAsync();
        factory.Time.Advance(TimeSpan.FromHours(23));
        var live = await factory.CreateSignedInUserAsync();
        factory.Time.Advance(TimeSpan.FromHours(2));
        var purge = factory.Services.GetServices<IHostedService>().OfType<SessionPurge>().Single();

        await purge.PurgeAsync(TestContext.Current.CancellationToken);

        var remaining = await factory.WithDbAsync(d => d.Sessions.Select(s => s.UserId).ToListAsync(TestContext.Current.CancellationToken));
        Assert.Equal([live.Id], remaining);
        Assert.DoesNotContain(idle.Id, remaining);
    }
}
