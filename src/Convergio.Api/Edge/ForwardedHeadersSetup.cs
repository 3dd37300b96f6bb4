using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Convergio.Api.Edge;

public sealed class ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";

    public List<string> KnownProxies { get; set; } = [];
    public List<string> KnownNetworks { get; set; } = [];
}

/// <summary>
/// X-Forwarded-For/-Proto are honoured only from configured proxies (none by default), so a
/// client cannot spoof its address or scheme. The client address becomes the rightmost hop
/// that is not a trusted proxy.
/// </summary>
public static class ForwardedHeadersSetup
{
    public static WebApplicationBuilder AddTrustedProxies(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(ForwardedHeadersSettings.Section).Get<ForwardedHeadersSettings>() ?? new();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            // With no proxy configured the headers are not read at all: ASP.NET Core treats empty
            // KnownProxies and KnownIPNetworks as "trust every peer", the opposite of what we want.
            o.ForwardedHeaders = settings.KnownProxies.Count + settings.KnownNetworks.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            // Walk the whole chain; it stops at the first hop that is not a known proxy.
            o.ForwardLimit = null;
            foreach (var proxy in settings.KnownProxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in settings.KnownNetworks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return builder;
    }
}
