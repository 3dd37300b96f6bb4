using System.Text.Json.Serialization;

namespace Convergio.Api.Tenancy;

/// <summary>A member's role in an organization; the numeric order is the privilege order.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OrgRole>))]
public enum OrgRole
{
    [JsonStringEnumMemberName("viewer")]
    Viewer = 1,

    [JsonStringEnumMemberName("member")]
    Member = 2,

    [JsonStringEnumMemberName("admin")]
    Admin = 3,

    [JsonStringEnumMemberName("owner")]
    Owner = 4,
}

public static class OrgRoles
{
    /// <summary>A role named in a request body: only the four defined values count (JSON may carry any number).</summary>
    public static bool IsDefined(OrgRole? role) => role is { } r && Enum.IsDefined(r);
}
