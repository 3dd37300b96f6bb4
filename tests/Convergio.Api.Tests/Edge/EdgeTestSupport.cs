using System.Net;
using System.Net.Http.Json;
using Convergio.Api.Data;
using Convergio.Api.Hosting;
using Convergio.Api.Platform;
using Convergio.Api.Secrets;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Convergio.Api.Tests.Edge;

/// <summary>Test hooks for the edge protections: who the TCP peer is, and a Production host without the database checks.</summary>
public static class EdgeTestSupport
{
    /// <summary>Test-only request header naming the connection's remote address (the TCP peer the test server cannot fake).</summary>
    public const string PeerHeader = "X-Test-Peer";

    /// <summary>Sets the connection's remote address from <see cref="PeerHeader"/> before anything else in the pipeline runs.</summary>
    public static ConvergioFactory WithPeerAddresses(this ConvergioFactory factory) =>
        factory.WithServices(s => s.AddSingleton<IStartupFilter, PeerAddressFilter>());

    /// <summary>
    /// A Production host in-process: the start-up guard and the schema check are removed (they
    /// need a TLS PostgreSQL; both are tested elsewhere) so the edge behaviour can be observed.
    /// </summary>
    public static ConvergioFactory Production(IDictionary<string, string?>? settings = null) =>
        new ConvergioFactory(Db.Sqlite, settings, Environments.Production).WithServices(s =>
        {
            foreach (var hosted in s.Where(d => d.ServiceType == typeof(IHostedService)
                && (d.ImplementationType == typeof(ProductionGuardStartup) || d.ImplementationType == typeof(DatabaseStartup))).ToList())
            {
                s.Remove(hosted);
            }
        });

    public static HttpRequestMessage From(this HttpRequestMessage request, string peer)
    {
        request.Headers.Add(PeerHeader, peer);
        return request;
    }

    public static async Task<HttpResponseMessage> GetFromAsync(this HttpClient client, string path, string peer, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path).From(peer);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static async Task<HttpResponseMessage> PostJsonFromAsync(this HttpClient client, string path, string peer, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) }.From(peer);
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static string Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : "";

    private sealed class PeerAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(PeerHeader, out var peer))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(peer.ToString());
                    context.Request.Headers.Remove(PeerHeader);
                }
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
