using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Convergio.Api.Auth;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Auth;

/// <summary>Sessions served from memory on one instance: read once, dropped on every change, never past their idle timeout.</summary>
public sealed partial class SessionCacheTests
{
    private const string Me = "/api/v1/auth/me";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<HttpStatusCode> MeStatusAsync(TestBrowser browser) => (await browser.Client.GetAsync(Me, Cancel)).StatusCode;

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_session_is_read_from_the_database_once_then_served_from_memory(Db db)
    {
        var reads = new SessionReads();
        await using var factory = new ConvergioFactory(db).WithServices(s => s.AddSingleton<IInterceptor>(reads));
        using var user = await factory.CreateSignedInUserAsync();
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(user.Browser));
        var afterFirst = reads.Count;

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(user.Browser));
        }

        Assert.True(afterFirst > 0);
        Assert.Equal(afterFirst, reads.Count);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Me_on_a_cached_session_reads_nothing_from_the_database(Db db)
    {
        var reads = new SessionReads(everyTable: true);
        await using var factory = new ConvergioFactory(db).WithServices(s => s.AddSingleton<IInterceptor>(reads));
        using var user = await factory.CreateSignedInUserAsync();
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(user.Browser));
        var afterFirst = reads.Count;

        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(user.Browser));

        Assert.Equal(afterFirst, reads.Count);
    }

    [Fact]
    public async Task A_name_saved_on_one_request_is_the_name_me_shows_on_the_next()
    {
        await using var factory = new ConvergioFactory();
        using var user = await factory.CreateSignedInUserAsync();
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(user.Browser));

        using var saved = await user.Browser.PatchJsonAsync(Me, new { fullName = "Grace Hopper" });
        saved.EnsureSuccessStatusCode();

        var me = await user.Browser.Client.GetFromJsonAsync<JsonElement>(Me, Cancel);
        Assert.Equal("Grace Hopper", me.GetProperty("fullName").GetString());
    }

    [Fact]
    public async Task With_the_cache_off_every_request_reads_the_session()
    {
        var reads = new SessionReads();
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?> { ["Auth:SessionCacheCapacity"] = "0" })
            .WithServices(s => s.AddSingleton<IInterceptor>(reads));
        using var user = await factory.CreateSignedInUserAsync();
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(user.Browser));
        var afterFirst = reads.Count;

        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(user.Browser));

        Assert.Equal(afterFirst + 1, reads.Count);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_cached_session_is_refused_once_idle_for_the_idle_timeout(Db db)
    {
        await using var factory = new ConvergioFactory(db, new Dictionary<string, string?> { ["Auth:IdleTimeout"] = "00:30:00" });
        using var user = await factory.CreateSignedInUserAsync();
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(user.Browser));

        factory.Time.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal(HttpStatusCode.Unauthorized, await MeStatusAsync(user.Browser));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_change_made_without_an_invalidation_is_seen_once_the_cached_copy_ages_out(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(user.Browser));
        await factory.WithDbAsync(d => d.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.DisabledAt, DateTime.UtcNow), Cancel));

        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(user.Browser));
        factory.Time.Advance(new AuthOptions().SessionCacheLifetime);

        Assert.Equal(HttpStatusCode.Unauthorized, await MeStatusAsync(user.Browser));
    }

    /// <summary>
    /// Counts the database reads made while serving a request: of the sessions table, or of every table.
    /// The hosted services' own queries (purges, digests) run outside requests and do not count.
    /// </summary>
    private sealed partial class SessionReads(bool everyTable = false) : DbCommandInterceptor
    {
        // The API registers the accessor, so the request's context flows here with its queries.
        private readonly HttpContextAccessor _requests = new();
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (_requests.HttpContext is not null && (everyTable || FromSessions().IsMatch(command.CommandText)))
            {
                Interlocked.Increment(ref _count);
            }
            return ValueTask.FromResult(result);
        }

        [GeneratedRegex("""FROM "?sessions"?""")]
        private static partial Regex FromSessions();
    }
}
