using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Metadata;

namespace Convergio.Api.Edge;

/// <summary>A request text field that may span lines: it keeps <c>\n</c> and <c>\t</c> (report bodies, descriptions).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MultiLineAttribute : Attribute;

/// <summary>Marks an endpoint whose bound text is checked by <see cref="PlainTextInput"/>; the route inventory test looks for it.</summary>
public sealed class PlainTextInputMetadata
{
    public static readonly PlainTextInputMetadata Instance = new();
}

/// <summary>
/// Every string an endpoint binds (body fields at any depth, query and route values) is plain text:
/// no control characters (U+0000 included, which PostgreSQL refuses with an error), no unpaired
/// surrogates, and no line breaks unless the field is <see cref="MultiLineAttribute"/>, where
/// <c>\n</c> and <c>\t</c> stay. A breach is a 400 naming the field, before the handler runs, so
/// no endpoint can forget it and nothing a user types adds lines to a mail that quotes it.
/// </summary>
public static class PlainTextInput
{
    private const int MaxDepth = 6;
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<TextProperty>> Properties = new();

    /// <summary>Applies the rule to every route handler mapped under <paramref name="group"/>.</summary>
    public static RouteGroupBuilder RequirePlainTextInput(this RouteGroupBuilder group) =>
        group.WithMetadata(PlainTextInputMetadata.Instance).AddEndpointFilterFactory(Create);

    private static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var services = context.ApplicationServices.GetRequiredService<IServiceProviderIsService>();
        var inputs = context.MethodInfo.GetParameters()
            .Select((parameter, index) => (parameter, index))
            .Where(p => IsBoundFromRequest(p.parameter, services))
            .Select(p => (p.index, Name: p.parameter.ParameterType == typeof(string) || p.parameter.ParameterType == typeof(string[]) ? FieldName(p.parameter) : ""))
            .ToList();
        if (inputs.Count == 0)
        {
            return next;
        }
        return invocation =>
        {
            var errors = new Dictionary<string, string[]>();
            foreach (var (index, name) in inputs)
            {
                Inspect(invocation.Arguments[index], name, multiLine: false, depth: 0, errors);
            }
            return errors.Count == 0 ? next(invocation) : ValueTask.FromResult<object?>(TypedResults.ValidationProblem(errors));
        };
    }

    /// <summary>The checked value's problem, or null when it is plain text.</summary>
    private static string? Problem(string value, bool multiLine)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
            {
                return "Must be valid Unicode text.";
            }
            if (multiLine ? char.IsControl(c) && c is not ('\n' or '\t') : char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                return multiLine
                    ? "Must not contain control characters other than line feeds and tabs."
                    : "Must be a single line without control characters.";
            }
        }
        return null;
    }

    /// <summary>Strings (route, query, header values), <c>[AsParameters]</c> sets, and the JSON body: what minimal APIs bind from the request.</summary>
    private static bool IsBoundFromRequest(ParameterInfo parameter, IServiceProviderIsService services)
    {
        var type = parameter.ParameterType;
        if (type == typeof(string) || type == typeof(string[]) || parameter.GetCustomAttribute<AsParametersAttribute>() is not null
            || parameter.GetCustomAttributes(inherit: true).OfType<IFromBodyMetadata>().Any())
        {
            return true;
        }
        return type.IsClass && !RequestServices.Contains(type) && !services.IsService(type)
            && !parameter.GetCustomAttributes(inherit: true).OfType<IFromServiceMetadata>().Any();
    }

    // What the framework binds from the request context rather than from its content.
    private static readonly HashSet<Type> RequestServices =
        [typeof(HttpContext), typeof(HttpRequest), typeof(HttpResponse), typeof(System.Security.Claims.ClaimsPrincipal), typeof(Stream), typeof(System.IO.Pipelines.PipeReader), typeof(IFormFile), typeof(IFormFileCollection), typeof(IFormCollection)];

    private static void Inspect(object? value, string path, bool multiLine, int depth, Dictionary<string, string[]> errors)
    {
        switch (value)
        {
            case null:
                return;
            case string text:
                if (Problem(text, multiLine) is { } problem)
                {
                    errors.TryAdd(path, [problem]);
                }
                return;
            case JsonElement element:
                InspectJson(element, path, depth, errors);
                return;
            case System.Collections.IEnumerable items when value is not byte[]:
                var i = 0;
                foreach (var item in items)
                {
                    Inspect(item, $"{path}[{i++}]", multiLine, depth + 1, errors);
                }
                return;
        }
        if (depth >= MaxDepth || IsScalar(value.GetType()))
        {
            return;
        }
        foreach (var property in Properties.GetOrAdd(value.GetType(), TextPropertiesOf))
        {
            Inspect(property.Get(value), path.Length == 0 ? property.Name : $"{path}.{property.Name}", property.MultiLine, depth + 1, errors);
        }
    }

    private static void InspectJson(JsonElement element, string path, int depth, Dictionary<string, string[]> errors)
    {
        if (depth >= MaxDepth)
        {
            return;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                Inspect(element.GetString(), path, multiLine: false, depth, errors);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    InspectJson(item, $"{path}[{i++}]", depth + 1, errors);
                }
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    InspectJson(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", depth + 1, errors);
                }
                break;
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(Guid) || type == typeof(DateTime)
        || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(Uri);

    private static List<TextProperty> TextPropertiesOf(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.GetMethod!.IsPublic && !IsScalar(Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType))
            .Select(p => new TextProperty(FieldName(p), p.GetCustomAttribute<MultiLineAttribute>() is not null, p.GetValue))
            .ToList();

    // The name the client used: the JSON name for body fields, the query name for parameters.
    private static string FieldName(ICustomAttributeProvider member) =>
        member.GetCustomAttributes(inherit: true).OfType<JsonPropertyNameAttribute>().FirstOrDefault()?.Name
        ?? member.GetCustomAttributes(inherit: true).OfType<IFromQueryMetadata>().FirstOrDefault()?.Name
        ?? JsonNamingPolicy.CamelCase.ConvertName(member switch
        {
            PropertyInfo property => property.Name,
            ParameterInfo parameter => parameter.Name!,
            _ => "",
        });

    private sealed record TextProperty(string Name, bool MultiLine, Func<object?, object?> Get);
}
