using Convergio.Api.Audit;
using Convergio.Api.Data;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Audit;

/// <summary>Writes and inspects audit events the way the application does, outside a request.</summary>
internal static class AuditTrail
{
    /// <summary>Records <paramref name="count"/> events, each in its own SaveChanges, then seals them as the background sealer would.</summary>
    public static async Task RecordAsync(ConvergioFactory factory, int count, string action = "test.event")
    {
        await InsertAsync(factory, count, action);
        await SealAsync(factory);
    }

    /// <summary>Records <paramref name="count"/> events, each in its own SaveChanges, and leaves them unsealed.</summary>
    public static async Task InsertAsync(ConvergioFactory factory, int count, string action = "test.event")
    {
        for (var i = 0; i < count; i++)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<AuditLog>().Record(action, targetType: "test", targetId: i.ToString(System.Globalization.CultureInfo.InvariantCulture), data: new { index = i });
            await scope.ServiceProvider.GetRequiredService<ConvergioDb>().SaveChangesAsync(TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Runs the sealer now instead of waiting for its interval (the tests' clock is fake).</summary>
    public static Task<int> SealAsync(ConvergioFactory factory) =>
        factory.Services.GetRequiredService<AuditSealer>().SealAsync(TestContext.Current.CancellationToken);

    public static async Task<AuditChainReport> VerifyAsync(ConvergioFactory factory, AuditAnchor? anchor = null)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AuditChainVerifier>().VerifyAsync(anchor, TestContext.Current.CancellationToken);
    }

    /// <summary>Every event, sealed ones in chain order first.</summary>
    public static async Task<List<AuditEvent>> AllAsync(ConvergioFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ConvergioDb>().AuditEvents.AsNoTracking()
            .OrderBy(e => e.Seq == null).ThenBy(e => e.Seq).ThenBy(e => e.Id).ToListAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Changes the database behind the application's back, as an intruder with SQL access would.</summary>
    public static async Task ExecuteSqlAsync(ConvergioFactory factory, string sql)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ConvergioDb>().Database.ExecuteSqlRawAsync(sql, TestContext.Current.CancellationToken);
    }
}
