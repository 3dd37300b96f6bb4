using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Platform;

/// <summary>Query-string paging (<c>?page=1&amp;pageSize=50</c>) shared by list endpoints.</summary>
public sealed record PageRequest([FromQuery(Name = "page")] int? Page, [FromQuery(Name = "pageSize")] int? PageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 100;
    public const int MaxPage = 1_000_000;

    public int Number => Page ?? 1;
    public int Size => PageSize ?? DefaultPageSize;

    /// <summary>The validation errors of the paging parameters, empty when they are usable.</summary>
    public Dictionary<string, string[]> Errors()
    {
        var errors = new Dictionary<string, string[]>();
        if (Number is < 1 or > MaxPage)
        {
            errors["page"] = [$"page must be between 1 and {MaxPage}."];
        }
        if (Size is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}."];
        }
        return errors;
    }
}

public sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

public static class Paging
{
    /// <summary>One page of an ordered query, with the total count of the unpaged query.</summary>
    public static async Task<PagedList<T>> ToPageAsync<T>(this IQueryable<T> ordered, PageRequest request, CancellationToken cancellationToken)
    {
        var total = await ordered.CountAsync(cancellationToken);
        var items = await ordered.Skip((request.Number - 1) * request.Size).Take(request.Size).ToListAsync(cancellationToken);
        return new PagedList<T>(items, request.Number, request.Size, total);
    }
}
