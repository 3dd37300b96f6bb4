using System.Reflection;
using System.Security.Cryptography;
using Convergio.Api.Data;
using Convergio.Api.Mail;
using Convergio.Api.Secrets;
using Microsoft.AspNetCore.WebUtilities;

namespace Convergio.Api.ApiDocs;

/// <summary>
/// Whether this process is the build's OpenAPI generator (Microsoft.Extensions.ApiDescription.Server
/// runs Program inside its GetDocument.Insider tool, the detection its documentation gives). It
/// passes no environment to the app, so the host is composed as in Development: the only
/// environment that registers the document.
/// </summary>
public static class BuildTimeDocument
{
    public static bool IsGenerating { get; } = Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    /// <summary>
    /// The generator starts the host, so its hosted services run: they get a database, mail folder
    /// and keys of their own under the build output, never the PostgreSQL or Redis a developer's or
    /// CI's environment names, nor the checkout's data/ folder.
    /// </summary>
    public static WebApplicationBuilder IsolateBuildTimeHost(this WebApplicationBuilder builder)
    {
        if (IsGenerating)
        {
            var directory = Path.Combine(AppContext.BaseDirectory, "openapi-build");
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"ConnectionStrings:{ConnectionStringNames.Postgres}"] = "",
                [$"ConnectionStrings:{ConnectionStringNames.Redis}"] = "",
                [$"{DatabaseOptions.Section}:SqlitePath"] = Path.Combine(directory, "convergio.db"),
                [$"{EmailOptions.Section}:PickupDirectory"] = Path.Combine(directory, "mail"),
                [$"{SecretKeys.SigningKeys}:0"] = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(48)),
                [$"{SecretKeys.EncryptionKeys}:0"] = FernetKey.Generate(),
            });
        }
        return builder;
    }
}
