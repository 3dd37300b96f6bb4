using Convergio.Api.Data;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Hosting;

/// <summary>
/// Start-up failures that are the operator's to fix (a production rule broken, the schema behind,
/// an option out of range): the server prints the reason and exits 1, without a stack trace.
/// </summary>
public static class StartupRefusal
{
    /// <summary>What to tell the operator, or null for a failure that is a bug (left to crash with its trace).</summary>
    public static string? Reason(Exception exception) => exception switch
    {
        ProductionGuardException or SchemaBehindException or OptionsValidationException => exception.Message,
        AggregateException aggregate when aggregate.InnerExceptions.All(e => Reason(e) is not null) =>
            string.Join(Environment.NewLine, aggregate.InnerExceptions.Select(Reason)),
        _ => null,
    };

    /// <summary>
    /// A refusal is printed once, by Program, as its reason alone; the host would first log it as
    /// "Hosting failed to start" with a stack trace. Its logger is held at Critical, which still
    /// reports a faulted background service stopping the host; a start failure that is a bug is no
    /// refusal, leaves Program unhandled and is printed by the runtime with its trace.
    /// </summary>
    public static WebApplicationBuilder AddStartupRefusals(this WebApplicationBuilder builder)
    {
        builder.Logging.AddFilter(HostCategory, LogLevel.Critical);
        return builder;
    }

    /// <summary>The category of Microsoft.Extensions.Hosting's (internal) Host.</summary>
    internal const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";
}
