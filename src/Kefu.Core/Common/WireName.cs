namespace Kefu.Core.Common;

/// <summary>snake_case wire names of enums (on_hold, web_form), as the API writes them.</summary>
public static class WireName
{
    public static string Of<T>(T value)
        where T : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
