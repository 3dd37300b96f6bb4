using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Convergio.Api.Tests.Observability;

/// <summary>
/// A stand-in for Sentry on loopback: accepts envelopes at <c>/api/{project}/envelope/</c>, undoes the
/// SDK's compression and keeps each envelope's text exactly as the SDK sent it.
/// </summary>
public sealed class SentryReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _envelopes = new();

    private SentryReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/api/{project}/envelope/", async (HttpRequest request) =>
        {
            Stream body = request.Body;
            if (request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                body = new GZipStream(body, CompressionMode.Decompress);
            }
            else if (request.Headers.ContentEncoding.ToString().Contains("br", StringComparison.OrdinalIgnoreCase))
            {
                body = new BrotliStream(body, CompressionMode.Decompress);
            }
            using var reader = new StreamReader(body);
            _envelopes.Enqueue(await reader.ReadToEndAsync());
            return Results.Ok();
        });
    }

    public string Dsn { get; private set; } = "";

    public IReadOnlyList<string> Envelopes => [.. _envelopes];

    /// <summary>Every JSON line of every envelope: the envelope header, each item header and each item.</summary>
    public IEnumerable<JsonElement> Lines() => Envelopes
        .SelectMany(e => e.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        .Select(line => JsonDocument.Parse(line).RootElement);

    /// <summary>The payloads of items of one type (event, transaction, ...).</summary>
    public IReadOnlyList<JsonElement> Items(string type)
    {
        var items = new List<JsonElement>();
        foreach (var envelope in Envelopes)
        {
            var lines = envelope.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 1; i + 1 < lines.Length; i++)
            {
                var header = JsonDocument.Parse(lines[i]).RootElement;
                if (header.TryGetProperty("type", out var t) && t.GetString() == type)
                {
                    items.Add(JsonDocument.Parse(lines[++i]).RootElement);
                }
            }
        }
        return items;
    }

    public static async Task<SentryReceiver> StartAsync()
    {
        var receiver = new SentryReceiver();
        await receiver._app.StartAsync(TestContext.Current.CancellationToken);
        var address = new Uri(receiver._app.Urls.Single());
        var publicKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        receiver.Dsn = $"http://{publicKey}@127.0.0.1:{address.Port}/42";
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
