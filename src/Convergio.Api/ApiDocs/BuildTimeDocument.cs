using System.Reflection;

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
}
