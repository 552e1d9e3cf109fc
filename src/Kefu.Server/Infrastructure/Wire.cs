using Kefu.Core.Common;

namespace Kefu.Server.Infrastructure;

public static class Wire
{
    /// <summary>Parses a snake_case enum name from a query string (on_hold), collecting a field error otherwise.</summary>
    public static T? Enum<T>(string? value, string field, FieldErrors errors)
        where T : struct, System.Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        foreach (var candidate in System.Enum.GetValues<T>())
        {
            if (string.Equals(Name(candidate), value.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        errors.Add(field, $"must be one of: {string.Join(", ", System.Enum.GetValues<T>().Select(v => Name(v)))}.");
        return null;
    }

    public static string Name<T>(T value)
        where T : struct, System.Enum => WireName.Of(value);

    /// <summary>The version in an If-Match header ("5", W/"5" or 5), or null when absent.</summary>
    public static Result<int?> IfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return (int?)null;
        }

        var value = header.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return int.TryParse(value.Trim('"'), out var version)
            ? version
            : Invalid.Field("If-Match", "must be the version (ETag) returned by a GET, e.g. \"3\".");
    }

    public static string ETag(int version) => $"\"{version}\"";
}
