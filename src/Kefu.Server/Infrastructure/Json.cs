using System.Text.Json;
using System.Text.Json.Serialization;
using Kefu.Core.Common;

namespace Kefu.Server.Infrastructure;

public static class Json
{
    /// <summary>The API's wire format: camelCase properties, snake_case enum names (on_hold, web_form).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.Converters.Add(new OptionalConverterFactory());
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    }
}

/// <summary>Reads a field of a partial update: absent stays absent, null becomes present-and-null.</summary>
public sealed class OptionalConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Optional<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(OptionalConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class OptionalConverter<T> : JsonConverter<Optional<T>>
    {
        public override bool HandleNull => true;

        public override Optional<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                // null clears a nullable field; a status or priority cannot be cleared, and its default (new, low) is not what was sent.
                return typeof(T).IsValueType && Nullable.GetUnderlyingType(typeof(T)) is null
                    ? throw new JsonException()
                    : new(true, default!);
            }

            try
            {
                return new(true, JsonSerializer.Deserialize<T>(ref reader, options)!);
            }
            catch (JsonException e) when (e.Path is not null)
            {
                // The nested read reports its path from this value ("$"); without a path the outer read names the field ("$.priority").
                throw new JsonException(null, e);
            }
        }

        public override void Write(Utf8JsonWriter writer, Optional<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Value, options);
    }
}
